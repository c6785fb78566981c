"""Meeting pages: lists, scheduling, agenda, documents, invitations and RSVP, minutes, PDFs.

Every page loads its meeting through ``meeting_access`` (404 for whoever may
not see the council, and for non-managers on the managers' pages). Forms
post back to their own page and redirect (post/redirect/get); nothing needs
JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.councils import meeting_services as services
from medvirk.councils.choices import MeetingStatus, Rsvp
from medvirk.councils.meeting_access import (
    MeetingAccess,
    access_agenda_item,
    access_document,
    access_meeting,
    access_own_invitation,
    council_for_meetings,
    council_meetings,
    current_members,
    invitations_of,
    upcoming_meetings,
)
from medvirk.councils.meeting_calendar import meeting_ics as meeting_ics_bytes
from medvirk.councils.meeting_calendar import meeting_zone
from medvirk.councils.meeting_forms import (
    AgendaItemForm,
    AttendanceForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
    PublishForm,
    RsvpForm,
)
from medvirk.councils.meeting_pdf import agenda_pdf, minutes_pdf
from medvirk.notifications.models import absolute_url
from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action

PAGE_SIZE = 25


def _detail_url(access: MeetingAccess) -> str:
    return reverse(
        "councils:meeting_detail", args=[access.context.organization.slug, access.meeting.pk]
    )


def _page(request: HttpRequest, template: str, access: MeetingAccess, **extra: Any) -> HttpResponse:
    """Render a meeting page in the meeting zone, with what every meeting page needs."""
    with timezone.override(meeting_zone()):
        return render(
            request,
            template,
            {
                "org": access.context,
                "council": access.council,
                "meeting": access.meeting,
                "access": access,
                **extra,
            },
        )


def _apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when there is one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- Lists ------------------------------------------------------------------------------


def meeting_list(request: HttpRequest, org_slug: str, council_id: int) -> HttpResponse:
    """A council's meetings, newest first, for everyone who sees the council."""
    context, council, can_manage = council_for_meetings(request.user, org_slug, council_id)
    page = Paginator(council_meetings(council), PAGE_SIZE).get_page(request.GET.get("page"))
    with timezone.override(meeting_zone()):
        return render(
            request,
            "councils/meeting_list.html",
            {"org": context, "council": council, "page": page, "can_manage": can_manage},
        )


def meeting_upcoming(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The person's coming meetings in the councils they sit on, with their answer."""
    context = org_context(request.user, org_slug, Action.VIEW_COUNCILS)
    page = Paginator(upcoming_meetings(context), PAGE_SIZE).get_page(request.GET.get("page"))
    with timezone.override(meeting_zone()):
        return render(
            request,
            "councils/meeting_upcoming.html",
            {"org": context, "page": page, "pending": Rsvp.PENDING},
        )


# --- Scheduling -------------------------------------------------------------------------


def meeting_create(request: HttpRequest, org_slug: str, council_id: int) -> HttpResponse:
    context, council, _manage = council_for_meetings(
        request.user, org_slug, council_id, manage=True
    )
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(council=council, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The meeting was scheduled. Now add the agenda items."))
            return redirect("councils:meeting_agenda", org_slug=org_slug, meeting_id=meeting.pk)
    with timezone.override(meeting_zone()):
        return render(
            request,
            "councils/meeting_form.html",
            {"org": context, "council": council, "form": form, "meeting": None},
        )


def meeting_edit(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    access = access_meeting(request.user, org_slug, meeting_id, manage=True)
    meeting = access.meeting
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(_detail_url(access))
    return _page(request, "councils/meeting_form.html", access, form=form)


def meeting_detail(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """Time, place and agenda for all who see the council; more for members and managers."""
    access = access_meeting(request.user, org_slug, meeting_id)
    meeting = access.meeting
    items = list(meeting.agenda_items.order_by("position", "pk"))
    documents = (
        list(meeting.documents.select_related("agenda_item")) if access.can_read_documents else []
    )
    by_item: dict[int | None, list[Any]] = {}
    for document in documents:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    for item in items:
        item.visible_documents = by_item.get(item.pk, [])  # type: ignore[attr-defined]
    return _page(
        request,
        "councils/meeting_detail.html",
        access,
        items=items,
        meeting_documents=by_item.get(None, []),
        invitation=access.invitation,
        can_read_minutes=access.can_read_minutes,
        has_minutes=any(item.minutes or item.decision for item in items),
    )


# --- Agenda -----------------------------------------------------------------------------


def meeting_agenda(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """Managers add items and put them in order (buttons move one step up or down)."""
    access = access_meeting(request.user, org_slug, meeting_id, manage=True)
    meeting = access.meeting
    form = AgendaItemForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if "move" in request.POST:
            return _agenda_move(request, access)
        if form.is_valid():
            item = services.agenda_item_add(meeting=meeting, **form.cleaned_data)
            messages.success(
                request, _("“%(title)s” was added to the agenda.") % {"title": item.title}
            )
            url = reverse("councils:meeting_agenda", args=[org_slug, meeting.pk])
            return redirect(url + "#agenda")
    items = list(meeting.agenda_items.order_by("position", "pk"))
    return _page(request, "councils/meeting_agenda.html", access, form=form, items=items)


def _agenda_move(request: HttpRequest, access: MeetingAccess) -> HttpResponse:
    meeting = access.meeting
    value = str(request.POST.get("move", ""))
    item_id, _sep, direction = value.partition(":")
    item = meeting.agenda_items.filter(pk=int(item_id) if item_id.isdigit() else 0).first()
    if item is None or direction not in {"up", "down"}:
        raise Http404
    services.agenda_item_move(item=item, offset=-1 if direction == "up" else 1)
    messages.success(
        request,
        _("“%(title)s” is now item %(number)s.") % {"title": item.title, "number": item.position},
    )
    url = reverse("councils:meeting_agenda", args=[access.context.organization.slug, meeting.pk])
    return redirect(url + "#agenda")


def meeting_agenda_item_edit(request: HttpRequest, org_slug: str, item_id: int) -> HttpResponse:
    access, item = access_agenda_item(request.user, org_slug, item_id)
    form = AgendaItemForm(request.POST or None, initial=AgendaItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        services.agenda_item_update(item=item, **form.cleaned_data)
        messages.success(request, _("The agenda item was saved."))
        return redirect("councils:meeting_agenda", org_slug=org_slug, meeting_id=item.meeting_id)
    return _page(request, "councils/meeting_agenda_item.html", access, form=form, item=item)


def meeting_agenda_item_delete(request: HttpRequest, org_slug: str, item_id: int) -> HttpResponse:
    access, item = access_agenda_item(request.user, org_slug, item_id)
    if request.method == "POST":
        services.agenda_item_remove(item=item)
        messages.success(
            request, _("“%(title)s” was removed from the agenda.") % {"title": item.title}
        )
        return redirect("councils:meeting_agenda", org_slug=org_slug, meeting_id=item.meeting_id)
    return _page(request, "councils/meeting_agenda_item_delete.html", access, item=item)


# --- Documents --------------------------------------------------------------------------


def meeting_documents(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """Managers upload documents for the meeting or one of its items."""
    access = access_meeting(request.user, org_slug, meeting_id, manage=True)
    meeting = access.meeting
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                meeting=meeting,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                agenda_item=form.cleaned_data["agenda_item"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("The document “%(title)s” was uploaded.") % {"title": document.title}
            )
            return redirect("councils:meeting_documents", org_slug=org_slug, meeting_id=meeting.pk)
    documents = list(meeting.documents.select_related("agenda_item"))
    return _page(request, "councils/meeting_documents.html", access, form=form, documents=documents)


def meeting_document(request: HttpRequest, org_slug: str, document_id: int) -> FileResponse:
    """The file, as a download, for council members and managers only."""
    _access, document = access_document(request.user, org_slug, document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def meeting_document_delete(request: HttpRequest, org_slug: str, document_id: int) -> HttpResponse:
    access, document = access_document(request.user, org_slug, document_id, manage=True)
    if request.method == "POST":
        services.document_remove(document=document)
        messages.success(
            request, _("The document “%(title)s” was deleted.") % {"title": document.title}
        )
        return redirect(
            "councils:meeting_documents", org_slug=org_slug, meeting_id=document.meeting_id
        )
    return _page(request, "councils/meeting_document_delete.html", access, document=document)


# --- Invitations and answers ------------------------------------------------------------


def meeting_invitations(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """Managers send the invitations and see everyone's answer and access needs."""
    access = access_meeting(request.user, org_slug, meeting_id, manage=True)
    meeting = access.meeting
    if request.method == "POST":
        try:
            sent = services.invitations_send(meeting=meeting)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(
                "councils:meeting_invitations", org_slug=org_slug, meeting_id=meeting.pk
            )
        if sent.created:
            messages.success(
                request,
                _("Invitations were sent to %(count)s people.") % {"count": len(sent.created)},
            )
        else:
            messages.info(request, _("Everyone on the council has been invited already."))
        return redirect("councils:meeting_invitations", org_slug=org_slug, meeting_id=meeting.pk)
    invitations = list(invitations_of(meeting))
    log_access(
        actor=access.context.user,
        action=AccessAction.VIEW,
        organization=access.council.organization,
        obj=meeting,
        object_type="councils.invitation",
        object_label=_("Answers and access needs: %(meeting)s") % {"meeting": meeting.title},
    )
    invited = {invitation.user_id for invitation in invitations}
    not_invited = [m for m in current_members(access.council) if m.user_id not in invited]
    counts = dict.fromkeys(Rsvp.values, 0)
    for invitation in invitations:
        counts[invitation.rsvp] += 1
    return _page(
        request,
        "councils/meeting_invitations.html",
        access,
        invitations=invitations,
        not_invited=not_invited,
        counts=[(Rsvp(value).label, count) for value, count in counts.items()],
    )


def meeting_rsvp(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """The invitee answers: coming, not coming or maybe, and what they need to take part."""
    access, invitation = access_own_invitation(request.user, org_slug, meeting_id)
    form = RsvpForm(request.POST or None, initial=RsvpForm.initial_for(invitation))
    if request.method == "POST" and form.is_valid():
        services.rsvp_answer(invitation=invitation, **form.cleaned_data)
        messages.success(request, _("Thank you, your answer was saved."))
        return redirect("councils:meeting_rsvp", org_slug=org_slug, meeting_id=meeting_id)
    return _page(request, "councils/meeting_rsvp.html", access, form=form, invitation=invitation)


def meeting_ics(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """The meeting as an iCalendar file for the person's own calendar."""
    access = access_meeting(request.user, org_slug, meeting_id)
    body = meeting_ics_bytes(
        access.meeting,
        url=absolute_url(_detail_url(access)),
        with_video=access.can_read_documents,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    name = slugify(access.meeting.title) or "meeting"
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- After the meeting ------------------------------------------------------------------


def meeting_attendance(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """Managers tick who attended; members who came uninvited can be added."""
    access = access_meeting(request.user, org_slug, meeting_id, manage=True)
    meeting = access.meeting
    invitations = list(invitations_of(meeting))
    invited = {invitation.user_id for invitation in invitations}
    others = [
        member
        for member in current_members(access.council, meeting.starts_at)
        if member.user_id not in invited
    ]
    initial = {"attended": [str(i.user_id) for i in invitations if i.attended]}
    form = AttendanceForm(
        request.POST or None, initial=initial, invitations=invitations, others=others
    )
    if request.method == "POST" and form.is_valid():
        services.attendance_record(
            meeting=meeting,
            attended_user_ids=form.attended_user_ids(),
            added_members=form.added_members(),
        )
        messages.success(request, _("The attendance was saved."))
        return redirect("councils:meeting_attendance", org_slug=org_slug, meeting_id=meeting.pk)
    return _page(
        request, "councils/meeting_attendance.html", access, form=form, invitations=invitations
    )


@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """Managers write minutes and decisions, mark the meeting held and publish the minutes."""
    access = access_meeting(request.user, org_slug, meeting_id, manage=True)
    meeting = access.meeting
    items = list(meeting.agenda_items.order_by("position", "pk"))
    form = MinutesForm(request.POST if "save" in request.POST else None, items=items)
    publish_form = PublishForm(
        request.POST if "publish" in request.POST else None,
        initial={"audience": meeting.minutes_audience},
    )
    url = reverse("councils:meeting_minutes", args=[org_slug, meeting.pk])
    if request.method == "POST":
        if "save" in request.POST and form.is_valid():
            services.minutes_save(meeting=meeting, entries=form.entries())
            if request.POST.get("save") == "held":
                services.meeting_mark_held(meeting=meeting)
            messages.success(request, _("The minutes were saved."))
            return redirect(url)
        if "publish" in request.POST and publish_form.is_valid():
            services.minutes_publish(
                meeting=meeting, audience=publish_form.cleaned_data["audience"]
            )
            messages.success(request, _("The minutes were published."))
            return redirect(url)
        if "unpublish" in request.POST:
            services.minutes_unpublish(meeting=meeting)
            messages.success(request, _("The minutes are no longer published."))
            return redirect(url)
    return _page(
        request,
        "councils/meeting_minutes.html",
        access,
        form=form,
        publish_form=publish_form,
        held=meeting.status == MeetingStatus.HELD,
    )


# --- PDF --------------------------------------------------------------------------------


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def meeting_agenda_pdf(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """The agenda as PDF: for everyone who sees the meeting's page."""
    access = access_meeting(request.user, org_slug, meeting_id)
    name = slugify(access.meeting.title) or "meeting"
    pdf = agenda_pdf(access.meeting, with_video=access.can_read_documents)
    return _pdf_response(pdf, f"{name}-agenda")


def meeting_minutes_pdf(request: HttpRequest, org_slug: str, meeting_id: int) -> HttpResponse:
    """The minutes as PDF, with the page's rules: 404 for whoever may not read them."""
    access = access_meeting(request.user, org_slug, meeting_id)
    if not access.can_read_minutes:
        raise Http404
    name = slugify(access.meeting.title) or "meeting"
    return _pdf_response(minutes_pdf(access.meeting), f"{name}-minutes")
