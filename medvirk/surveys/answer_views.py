"""The respondent's pages under /s/<token>/: answer a survey from its link or QR code.

Anonymous surveys need no account; identified ones need a login and
membership of the survey's organisation. The steps, each only when the
survey needs it: a one-time code, the unit the answers are about (a radio
list, or ``?unit=<id>`` from a unit's own link or QR code), then the form,
run by the questionnaire engine (``filling.run_fill``) page by page.

Nothing is stored before Submit: the answers of earlier pages and the
accepted code wait in the visitor's session, never in a ``Response``. The
unit travels in the address (``?unit=``), so a single-page form needs no
session at all. Every page works without JavaScript; htmx only swaps the
form in place.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError as PydanticValidationError

from medvirk.organizations.access import org_context
from medvirk.organizations.models import Unit
from medvirk.questionnaires.definition import Definition, DefinitionError, definition_for
from medvirk.questionnaires.filling import FillStep, run_fill
from medvirk.questionnaires.rendering import QuestionnaireForm
from medvirk.surveys import answering
from medvirk.surveys.answering import Availability
from medvirk.surveys.models import Survey

logger = logging.getLogger(__name__)

SESSION_PREFIX = "survey_answer:"
HONEYPOT_FIELD = "website"  # people never see it; robots fill it in
FORM_TEMPLATE = "questionnaires/fill/_form.html"


# --- Forms ------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Your one-time code"),
        max_length=40,
        help_text=gettext_lazy(
            "The code is printed on the sheet you were given. Small or capital letters and "
            "spaces do not matter."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UnitForm(forms.Form):
    unit = UnitChoiceField(
        label=gettext_lazy("Which service are you answering about?"),
        queryset=Unit.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": gettext_lazy("Choose the service you want to answer about."),
            "invalid_choice": gettext_lazy("Choose one of the services in the list."),
        },
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_ = self.fields["unit"]
        assert isinstance(field_, UnitChoiceField)
        field_.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("name", "pk")


# --- The visitor's state between pages ----------------------------------------------------------


@dataclass
class Draft:
    """What the visitor has given so far; lives in the session until Submit."""

    items: list[dict[str, Any]] = field(default_factory=list)
    page: int = 0
    code: str = ""


def _session_key(survey: Survey) -> str:
    return f"{SESSION_PREFIX}{survey.pk}"


def _load_draft(request: HttpRequest, survey: Survey) -> Draft:
    """The visitor's draft; reading an empty session stores nothing and sets no cookie."""
    raw = request.session.get(_session_key(survey))
    if not isinstance(raw, dict):
        return Draft()
    items, page, code = raw.get("items"), raw.get("page"), raw.get("code")
    return Draft(
        items=items if isinstance(items, list) else [],
        page=page if isinstance(page, int) else 0,
        code=code if isinstance(code, str) else "",
    )


def _keep_draft(request: HttpRequest, survey: Survey, draft: Draft) -> None:
    request.session[_session_key(survey)] = {
        "items": draft.items,
        "page": draft.page,
        "code": draft.code,
    }


def _forget_draft(request: HttpRequest, survey: Survey) -> None:
    if _session_key(survey) in request.session:
        del request.session[_session_key(survey)]


# --- Helpers ------------------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _survey_or_404(token: str, *, with_form: bool = True) -> Survey:
    survey = answering.published_survey(token, with_form=with_form)
    if survey is None:
        raise Http404
    return survey


def _definition_or_404(survey: Survey) -> Definition:
    try:
        return definition_for(survey.version)
    except DefinitionError as error:
        raise Http404 from error


def _answer_url(survey: Survey, unit: Unit | None) -> str:
    address = reverse("survey_answer:answer", args=[survey.token])
    return f"{address}?{urlencode({'unit': unit.pk})}" if unit is not None else address


def _posted_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(request.POST.get("submission_key") or ""))
    except ValueError:
        return None


def _page(
    request: HttpRequest, survey: Survey, template: str, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        f"surveys/{template}",
        {"survey": survey, "organization": survey.organization, **extra},
        status=status,
    )


def _limited(request: HttpRequest, survey: Survey) -> HttpResponse:
    return _page(request, survey, "answer_limited.html", status=429)


class _RenderedOnce:
    """The unanswered first page of a survey's form, its fields rendered once per process.

    Every new visitor gets the same empty first page, and rendering its
    questions is most of the cost of the page (a QR code on a waiting-room
    wall brings many visitors at once). Only the fields are kept; the rest of
    the page (CSRF token, submission key, language switcher) is rendered for
    each request. The key holds the version, the language and the day (an
    initial value could depend on it).
    """

    def __init__(self, form: QuestionnaireForm, survey: Survey) -> None:
        self._form = form
        version = survey.version
        self._key = (
            version.pk,
            version.updated_at.isoformat() if version.updated_at else "",
            form.prefix,
            get_language(),
            timezone.localdate().isoformat(),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._form, name)

    def render(self) -> SafeString:
        found = _EMPTY_PAGES.get(self._key)
        if found is None:
            if len(_EMPTY_PAGES) >= EMPTY_PAGES_KEPT:
                _EMPTY_PAGES.clear()
            found = _EMPTY_PAGES[self._key] = self._form.render()
        return found


_EMPTY_PAGES: dict[tuple[Any, ...], SafeString] = {}
EMPTY_PAGES_KEPT = 64


# --- Pages --------------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a published survey: code, unit and form, each step only when needed."""
    survey = _survey_or_404(token)
    state = answering.availability(survey)
    if state != Availability.OPEN:
        return _page(request, survey, "answer_unavailable.html", availability=state.value)
    respondent = None
    if not survey.anonymous:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        respondent = org_context(request.user, survey.organization.slug).user  # members only
        if answering.has_answered(survey, respondent):
            return _page(request, survey, "answer_done.html")
    draft = _load_draft(request, survey)
    if survey.requires_code and (not draft.code or request.POST.get("_step") == "code"):
        return _code_step(request, survey, draft)
    units = answering.survey_units(survey)
    unit = _chosen_unit(request, units)
    if unit is None and units:
        return _unit_step(request, survey, units)
    return _fill(request, survey, draft, unit, respondent)


def _code_step(request: HttpRequest, survey: Survey, draft: Draft) -> HttpResponse:
    """Ask for the one-time code; a code that works is kept until Submit uses it up."""
    address = _client_address(request)
    if answering.code_attempts_exhausted(survey, address):
        return _limited(request, survey)
    form = CodeForm(request.POST if request.POST.get("_step") == "code" else None)
    if form.is_bound and form.is_valid():
        if answering.usable_code(survey, form.cleaned_data["code"]) is not None:
            draft.code = answering.normalize_code(form.cleaned_data["code"])
            _keep_draft(request, survey, draft)
            return redirect(request.get_full_path())
        if answering.over_code_attempts(survey, address):
            return _limited(request, survey)
        form.add_error(
            "code",
            _("This code is unknown or has already been used. Check the code and try again."),
        )
    return _page(request, survey, "answer_code.html", form=form, action_url=request.get_full_path())


def _chosen_unit(request: HttpRequest, units: list[Unit]) -> Unit | None:
    """The unit named by ``?unit=`` if the survey asks about it; the only unit if just one."""
    if len(units) == 1:
        return units[0]
    wanted = str(request.GET.get("unit") or "")
    return next((unit for unit in units if str(unit.pk) == wanted), None)


def _unit_step(request: HttpRequest, survey: Survey, units: list[Unit]) -> HttpResponse:
    """Let the respondent choose the unit: a GET form that leads to ``?unit=<id>``."""
    form = UnitForm(request.GET if "unit" in request.GET else None, units=units)
    if form.is_bound:
        form.is_valid()  # never valid here: a valid unit was taken before this step
    return _page(
        request,
        survey,
        "answer_unit.html",
        form=form,
        action_url=reverse("survey_answer:answer", args=[survey.token]),
    )


def _fill(
    request: HttpRequest,
    survey: Survey,
    draft: Draft,
    unit: Unit | None,
    respondent: Any,
) -> HttpResponse:
    """Run one step of the form; store only on a complete Submit."""
    definition = _definition_or_404(survey)
    step = run_fill(
        request, definition=definition, items=draft.items, page=draft.page, can_save_draft=False
    )
    action_url = _answer_url(survey, unit)
    problem = ""
    form = step.form
    if request.method == "POST":
        if step.complete:
            stored = _submit(request, survey, definition, draft, unit, respondent, step)
            if isinstance(stored, HttpResponse):
                return stored
            problem = stored
        elif step.redirect:
            draft.items, draft.page = step.items, step.page
            _keep_draft(request, survey, draft)
            if not _is_htmx(request):
                return redirect(action_url)  # post/redirect/get
            form = QuestionnaireForm(definition, items=step.items, page=step.page)
    key = _posted_key(request) or uuid.uuid4()
    if request.method != "POST" and not draft.items and form.page == 0:
        form = _RenderedOnce(form, survey)  # type: ignore[assignment]
    units = answering.survey_units(survey) if unit is not None else []
    return render(
        request,
        FORM_TEMPLATE if _is_htmx(request) else "surveys/answer.html",
        {
            "survey": survey,
            "organization": survey.organization,
            "questionnaire": survey.version.questionnaire,
            "unit": unit,
            "can_change_unit": len(units) > 1,
            "form": form,
            "action_url": action_url,
            "submission_key": str(key),
            "can_save_draft": False,
            "submit_label": _("Send your answers"),
            "extra_fields": "surveys/answer_honeypot.html",
            "honeypot_field": HONEYPOT_FIELD,
            "problem": problem,
        },
    )


def _submit(
    request: HttpRequest,
    survey: Survey,
    definition: Definition,
    draft: Draft,
    unit: Unit | None,
    respondent: Any,
    step: FillStep,
) -> HttpResponse | str:
    """Store the answers and go to the thanks page, or say why not (a message to show)."""
    thanks = redirect("survey_answer:thanks", survey.token)
    key = _posted_key(request)
    if answering.rate_limit() is not None and answering.submitted_with_key(survey, key):
        # A second press of Submit, which must not count against the limit: the first
        # one stored the answers. (Without a limit the service finds it out itself.)
        return thanks
    if request.POST.get(HONEYPOT_FIELD):
        _forget_draft(request, survey)
        return thanks  # a robot: it learns nothing, nothing is stored
    if survey.anonymous and answering.over_rate_limit(survey, _client_address(request)):
        return _limited(request, survey)
    if answering.can_accept_for_later(survey, definition):
        try:
            answering.accept_answer(
                survey, items=step.items, unit=unit, submission_key=key or uuid.uuid4()
            )
        except answering.UnitRejected as error:
            raise Http404 from error
        _forget_draft(request, survey)
        return thanks
    try:
        answering.submit_survey_answer(
            survey,
            items=step.items,
            unit=unit,
            code=draft.code,
            respondent=respondent,
            submission_key=key,
            files=step.form.pending_files,
        )
    except answering.AlreadySubmitted:
        return thanks
    except answering.AlreadyAnswered:
        _forget_draft(request, survey)
        return _page(request, survey, "answer_done.html")
    except answering.CodeRejected:
        # Used up elsewhere since it was typed: ask again, keeping the answers.
        draft.items, draft.page, draft.code = step.items, step.page, ""
        _keep_draft(request, survey, draft)
        return _page(
            request,
            survey,
            "answer_code.html",
            form=CodeForm(),
            action_url=request.get_full_path(),
            problem=_("This code has been used in the meantime. Enter another code."),
        )
    except answering.UnitRejected as error:
        raise Http404 from error
    except PydanticValidationError:
        logger.exception("Submitted survey answers failed FHIR validation")
        return _(
            "Your answers could not be sent because of an error in the form. "
            "Please tell the service."
        )
    _forget_draft(request, survey)
    return thanks


@login_not_required
@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thanks, and what was stored; never anything about other people's answers."""
    return _page(request, _survey_or_404(token, with_form=False), "answer_thanks.html")
