"""Registry pages: a person's own profile (with consent), and the coordinators' search.

Representatives and experience consultants (``ACT_AS_REPRESENTATIVE``) see
and change only their own profile, under ``me/``. Coordinators
(``MANAGE_REPRESENTATIVES``) search the consented profiles of their
organisation and open one; each opening is logged, since a profile is
personal data. A withdrawn profile no longer exists, so every search and
detail page loses it in the same request (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import User
from medvirk.core.viewutils import add_errors as _add_errors
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.models import Organization
from medvirk.organizations.permissions import Action
from medvirk.representatives import registry as services
from medvirk.representatives.models import Profile, ProfileKind, TrainingRecord
from medvirk.representatives.registry_forms import (
    AreaForm,
    ConsentForm,
    ProfileForm,
    RegistryFilterForm,
    TrainingForm,
)
from medvirk.representatives.registry_selectors import (
    assignments_of,
    completed_modules,
    consent_history,
    experience_areas,
    language_names,
    profile_of,
    registry_search,
    searchable_profiles,
    training_records,
)

PAGE_SIZE = 25


def _record(profile: Profile, user: User, organization: Organization) -> dict[str, Any]:
    """What both the person's own page and the coordinators' page show about a profile."""
    return {
        "profile": profile,
        "is_consultant": profile.kind == ProfileKind.EXPERIENCE_CONSULTANT,
        "spoken": language_names(profile.languages),
        "modules": completed_modules(user, organization, get_language()),
        "training": list(training_records(user, organization)),
        "assignments": assignments_of(user, organization),
    }


# --- My profile -------------------------------------------------------------------------------


def _own(request: HttpRequest, org_slug: str) -> tuple[OrgContext, Profile | None]:
    context = org_context(request.user, org_slug, Action.ACT_AS_REPRESENTATIVE)
    return context, profile_of(context.user, context.organization)


def _intro(request: HttpRequest, context: OrgContext, form: ConsentForm) -> HttpResponse:
    """The page of a person not in the registry: what it is, who sees it, and the consent."""
    return render(
        request,
        "representatives/registry/my_intro.html",
        {
            "org": context,
            "mine": True,
            "form": form,
            "is_consultant": services.kind_for_roles(context.roles)
            == ProfileKind.EXPERIENCE_CONSULTANT,
            "history": consent_history(context.user, context.organization),
        },
    )


@require_http_methods(["GET", "HEAD"])
def my_profile(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The person's profile, training and assignments; or, without consent, the consent page."""
    context, profile = _own(request, org_slug)
    if profile is None:
        return _intro(request, context, ConsentForm())
    return render(
        request,
        "representatives/registry/my_profile.html",
        {
            "org": context,
            "mine": True,
            **_record(profile, context.user, context.organization),
            "history": consent_history(context.user, context.organization),
        },
    )


def my_profile_consent(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Give consent (POST); the form itself is on the profile page."""
    context, profile = _own(request, org_slug)
    if profile is not None or request.method != "POST":
        return redirect("representatives:my_profile", org_slug=org_slug)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _intro(request, context, form)
    try:
        services.profile_consent(
            organization=context.organization,
            user=context.user,
            kind=services.kind_for_roles(context.roles),
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("representatives:my_profile", org_slug=org_slug)
    messages.success(
        request,
        _(
            "Thank you. You are now in the registry. Fill in your profile so the "
            "coordinators can find you."
        ),
    )
    return redirect("representatives:my_profile_edit", org_slug=org_slug)


def my_profile_edit(request: HttpRequest, org_slug: str) -> HttpResponse:
    context, profile = _own(request, org_slug)
    if profile is None:
        return redirect("representatives:my_profile", org_slug=org_slug)
    form = ProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                profile=profile,
                areas=data["areas"],
                nominated_by=data["nominated_by"],
                languages=data["languages"],
                region=data["region"],
                availability=data["availability"],
                availability_note=data["availability_note"],
                about=data["about"],
                role_description=data.get("role_description"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("representatives:my_profile", org_slug=org_slug)
    return render(
        request,
        "representatives/registry/my_profile_form.html",
        {"org": context, "mine": True, "form": form, "profile": profile},
    )


def my_profile_withdraw(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Confirm, then delete the profile at once: it leaves every search in this request."""
    context, profile = _own(request, org_slug)
    if profile is None:
        return redirect("representatives:my_profile", org_slug=org_slug)
    if request.method == "POST":
        services.profile_withdraw(profile=profile)
        messages.success(
            request,
            _(
                "Your consent is withdrawn and your profile is deleted: coordinators can no "
                "longer find you in the registry. Your assignments and honorarium claims are "
                "kept, as payment needs them, and so is the record of when you gave and "
                "withdrew consent."
            ),
        )
        return redirect("representatives:my_profile", org_slug=org_slug)
    return render(
        request,
        "representatives/registry/my_withdraw.html",
        {"org": context, "mine": True, "profile": profile},
    )


def my_training_add(request: HttpRequest, org_slug: str) -> HttpResponse:
    context, profile = _own(request, org_slug)
    if profile is None:
        return redirect("representatives:my_profile", org_slug=org_slug)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_add(profile=profile, actor=context.user, **_training(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The training was added."))
            return redirect("representatives:my_profile", org_slug=org_slug)
    return render(
        request,
        "representatives/registry/training_form.html",
        {"org": context, "mine": True, "form": form, "profile": profile, "own": True},
    )


def _training(form: TrainingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "provider": data["provider"],
        "completed_on": data["completed_on"],
    }


def my_training_delete(request: HttpRequest, org_slug: str, record_id: int) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.ACT_AS_REPRESENTATIVE)
    # Someone else's record answers 404, like a missing one.
    record = get_owned_or_404(
        TrainingRecord.objects.all(), context, pk=record_id, user=context.user
    )
    if request.method == "POST":
        services.training_delete(record=record)
        messages.success(request, _("“%(title)s” was removed.") % {"title": record.title})
        return redirect("representatives:my_profile", org_slug=org_slug)
    return render(
        request,
        "representatives/registry/training_delete.html",
        {"org": context, "mine": True, "record": record},
    )


# --- Coordinators -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def registry(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Search the organisation's consented profiles (a GET form; works without JavaScript)."""
    context = org_context(request.user, org_slug, Action.MANAGE_REPRESENTATIVES)
    form = RegistryFilterForm(request.GET)
    filters = form.filters()
    profiles = registry_search(context.organization, **filters)
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "representatives/registry/registry.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "query": _query_without_page(request),
        },
    )


def _profile(request: HttpRequest, org_slug: str, profile_id: int) -> tuple[OrgContext, Profile]:
    context = org_context(request.user, org_slug, Action.MANAGE_REPRESENTATIVES)
    profile = get_owned_or_404(
        searchable_profiles(context.organization).prefetch_related("areas"),
        context,
        pk=profile_id,
    )
    return context, profile


@require_http_methods(["GET", "HEAD"])
def profile_detail(request: HttpRequest, org_slug: str, profile_id: int) -> HttpResponse:
    """One profile with training and assignments; reading it is logged."""
    context, profile = _profile(request, org_slug, profile_id)
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=profile,
        subject=profile.user,
    )
    return render(
        request,
        "representatives/registry/profile_detail.html",
        {"org": context, **_record(profile, profile.user, context.organization)},
    )


def profile_training_add(request: HttpRequest, org_slug: str, profile_id: int) -> HttpResponse:
    """A coordinator records a course the person took (an introduction course, say)."""
    context, profile = _profile(request, org_slug, profile_id)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_add(profile=profile, actor=context.user, **_training(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The training was added."))
            return redirect(
                "representatives:profile_detail", org_slug=org_slug, profile_id=profile.pk
            )
    return render(
        request,
        "representatives/registry/training_form.html",
        {"org": context, "form": form, "profile": profile, "own": False},
    )


def areas(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The installation's list of areas of lived experience, and a form to add one."""
    context = org_context(request.user, org_slug, Action.MANAGE_REPRESENTATIVES)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.area_create(
                name=form.cleaned_data["name"], position=form.cleaned_data["position"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": created.name})
            return redirect("representatives:areas", org_slug=org_slug)
    page = Paginator(experience_areas(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "representatives/registry/areas.html",
        {"org": context, "form": form, "page": page, "query": ""},
    )
