"""Public proposal pages under /p/<org_slug>/, readable without logging in.

Anyone may send a proposal to a unit, with an address for updates if they
want them. Nothing about the visitor is stored with it: a per-client limit in
the cache, keyed on a keyed hash of the address and kept for an hour, and a
field only robots fill keep spam out. "You said — we did" lists answered
proposals and published changes, newest first, with personal data masked.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from medvirk.core import ratelimit
from medvirk.organizations.models import Organization, Unit
from medvirk.proposals import selectors, services
from medvirk.proposals.forms import PublicProposalForm
from medvirk.proposals.views import PAGE_SIZE, preselected_unit

# At most this many public proposals per client per window.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600
RATE_SCOPE = "proposals:public-submit"


def _organization(org_slug: str) -> Organization:
    return get_object_or_404(Organization, slug=org_slug)


def rate_key(request: HttpRequest) -> str:
    """A cache key for the client that reveals nothing of its address."""
    return ratelimit.cache_key(RATE_SCOPE, ratelimit.client_address(request))


def _over_limit(request: HttpRequest) -> bool:
    """Count one public proposal from this client; True once it is over the limit."""
    return ratelimit.hit(
        RATE_SCOPE,
        ratelimit.client_address(request),
        limit=RATE_LIMIT,
        window=RATE_WINDOW_SECONDS,
    )


@login_not_required
def public_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The proposal form for anyone; ``?unit=<id>`` chooses the unit in advance."""
    organization = _organization(org_slug)
    form = PublicProposalForm(
        request.POST or None,
        organization=organization,
        initial={"unit": preselected_unit(request, organization.pk)},
    )
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            # Robots are told it worked, so they have no reason to try again.
            return redirect("public_proposals:submitted", organization.slug)
        if _over_limit(request):
            form.add_error(
                None, _("Too many proposals from your connection. Please try again in an hour.")
            )
        else:
            try:
                services.proposal_submit(
                    organization=organization,
                    unit=form.cleaned_data["unit"],
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    contact_email=form.cleaned_data["contact_email"],
                )
            except services.ProposalError as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("public_proposals:submitted", organization.slug)
    return render(
        request, "proposals/public/form.html", {"organization": organization, "form": form}
    )


@login_not_required
def public_submitted(request: HttpRequest, org_slug: str) -> HttpResponse:
    """What happens next with an anonymous proposal."""
    organization = _organization(org_slug)
    return render(request, "proposals/public/submitted.html", {"organization": organization})


def _unit(request: HttpRequest, organization: Organization) -> Unit | None:
    """The unit of ``?unit=``; anything but one of the organisation's units is 404."""
    raw = request.GET.get("unit")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise Http404
    unit = Unit.objects.filter(pk=int(raw), organization=organization).first()
    if unit is None:
        raise Http404
    return unit


@login_not_required
def you_said_we_did(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Answered proposals and published changes of the organisation or one unit, newest first."""
    organization = _organization(org_slug)
    unit = _unit(request, organization)
    keys = selectors.feed_keys(organization.pk, unit.pk if unit else None)
    page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/public/you_said_we_did.html",
        {
            "organization": organization,
            "unit": unit,
            "units": list(selectors.active_units(organization)),
            "page": page,
            "entries": selectors.feed_entries(list(page.object_list)),
            "query": f"unit={unit.pk}" if unit else "",
        },
    )
