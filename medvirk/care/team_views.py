"""Care team pages: the staff overview, starting a course, the person's page, teams, the end.

Who sees what:

- staff (``FOLLOW_USERS``) see the people whose current team they are on
  (``overview``), start courses in their units (``start``), open a person's
  page through ``access.person_access`` (``person``; every opening is
  logged) and manage the teams they are on (``course`` and the team pages);
- coordinators organise every course of the organisation (``courses``,
  ``course`` and the team pages) without opening person pages: the list and
  the course page show organisational data only (who is followed by which
  unit, the team, dates and how a course ended);
- the person (``HAVE_OWN_CARE``) sees their own courses and teams
  (``my_care``), which is their own data and not logged.

Everyone else gets 404, for a missing object and a forbidden one alike.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import User
from medvirk.care import team as services
from medvirk.care.access import log_read, person_access
from medvirk.care.models import CareRelationship, TeamMember
from medvirk.care.team_forms import (
    CourseEndForm,
    CoursesFilterForm,
    CourseStartForm,
    OverviewFilterForm,
    PersonSearchForm,
    TeamMemberAddForm,
    TeamMemberForm,
)
from medvirk.care.team_selectors import (
    courses_of_person,
    followed_courses,
    is_team_member,
    organisation_courses,
    people_in_care,
    search_people,
    team_of,
)
from medvirk.core.viewutils import add_errors as _add_errors
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action

PAGE_SIZE = 25


# --- Staff: the overview, starting a course, the person's page ----------------------------------


@require_http_methods(["GET", "HEAD"])
def overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The people whose current care team the staff member is on, with filters and pages."""
    context = org_context(request.user, org_slug, Action.FOLLOW_USERS)
    form = OverviewFilterForm(request.GET, organization=context.organization)
    filters = form.filters()
    courses = followed_courses(context.organization, context.user, **filters)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "care/team/overview.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "query": _query_without_page(request),
            "organiser": services.may_organise_teams(context),
        },
    )


def _person_in_care(context: OrgContext, person_id: str) -> User | None:
    if not person_id.isdigit():
        return None
    return people_in_care(context.organization).filter(pk=person_id).first()


def start(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Find the person (a GET search), then start their course of care (a POST form)."""
    context = org_context(request.user, org_slug, Action.FOLLOW_USERS)
    organiser = services.may_organise_teams(context)
    organization = context.organization
    if request.method == "POST":
        form = CourseStartForm(request.POST, context=context, organiser=organiser)
        if form.is_valid():
            data = form.cleaned_data
            try:
                course = services.course_start(
                    organization=organization,
                    person=data["person"],
                    unit=data["unit"],
                    started_on=data["started_on"],
                    primary=data.get("primary") or context.user,
                    actor=context.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The course of care for %(person)s in %(unit)s has started.")
                    % {"person": course.person.get_full_name(), "unit": course.unit.name},
                )
                if is_team_member(course, context.user):
                    return redirect("care:person", org_slug=org_slug, person_id=course.person_id)
                return redirect("care:course", org_slug=org_slug, course_id=course.pk)
        chosen = _person_in_care(context, str(form["person"].value() or ""))
    else:
        chosen = _person_in_care(context, request.GET.get("person", ""))
        form = CourseStartForm(
            initial={"person": chosen.pk} if chosen else {}, context=context, organiser=organiser
        )
    search = PersonSearchForm(request.GET if "q" in request.GET else None)
    found: list[User] = []
    more = False
    if search.is_bound and search.is_valid():
        found, more = search_people(organization, search.cleaned_data["q"])
    return render(
        request,
        "care/team/start.html",
        {
            "org": context,
            "organiser": organiser,
            "search": search,
            "found": found,
            "more": more,
            "chosen": chosen,
            "form": form,
            "has_units": form.fields["unit"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )


@require_http_methods(["GET", "HEAD"])
def person(request: HttpRequest, org_slug: str, person_id: int) -> HttpResponse:
    """The person's page for their care team: courses of care and teams; every opening logged."""
    context = org_context(request.user, org_slug, Action.FOLLOW_USERS)
    access = person_access(context, person_id)
    # Only the team comes in here: the person and their next of kin have their own pages.
    if not access.is_team:
        raise Http404
    log_read(
        access,
        object_type=CareRelationship._meta.label_lower,
        object_label=access.person.get_full_name(),
    )
    courses = courses_of_person(context.organization, access.person)
    managed = {
        course.pk
        for course in courses
        if course.is_open
        and any(member.staff_id == context.user.pk for member in course.current_team)  # type: ignore[attr-defined]
    }
    return render(
        request,
        "care/team/person.html",
        {"org": context, "person": access.person, "courses": courses, "managed": managed},
    )


# --- The person themself -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def my_care(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The person's own courses of care, units and teams (their own data: not logged)."""
    context = org_context(request.user, org_slug, Action.HAVE_OWN_CARE)
    return render(
        request,
        "care/team/my_care.html",
        {"org": context, "courses": courses_of_person(context.organization, context.user)},
    )


# --- Coordinators: every course of the organisation ----------------------------------------------


@require_http_methods(["GET", "HEAD"])
def courses(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The coordinators' list of courses of care: organisational data, no person pages."""
    context = org_context(request.user, org_slug, Action.FOLLOW_USERS)
    if not services.may_organise_teams(context):
        raise Http404
    form = CoursesFilterForm(request.GET, organization=context.organization)
    filters = form.filters()
    found = organisation_courses(context.organization, **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "care/team/courses.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": bool(filters["text"] or filters["unit"]),
            "status": filters["status"],
            "query": _query_without_page(request),
        },
    )


# --- One course: its team and its end (the team on it, or a coordinator) -------------------------


def _course(
    request: HttpRequest, org_slug: str, course_id: int
) -> tuple[OrgContext, CareRelationship, bool]:
    """The course, for a coordinator or a member of its current team (while it is open)."""
    context = org_context(request.user, org_slug, Action.FOLLOW_USERS)
    course = get_owned_or_404(
        CareRelationship.objects.select_related("organization", "person", "unit"),
        context,
        pk=course_id,
    )
    organiser = services.may_organise_teams(context)
    if not organiser and not (course.is_open and is_team_member(course, context.user)):
        raise Http404
    return context, course, organiser


def _ended(request: HttpRequest, org_slug: str, course: CareRelationship) -> HttpResponse:
    messages.info(request, _("This course of care has ended: its team can no longer change."))
    return redirect("care:course", org_slug=org_slug, course_id=course.pk)


def _member(course: CareRelationship, member_id: int) -> TeamMember:
    member = (
        TeamMember.objects.select_related("staff")
        .filter(relationship=course, pk=member_id, removed_on__isnull=True)
        .first()
    )
    if member is None:
        raise Http404
    member.relationship = course
    return member


@require_http_methods(["GET", "HEAD"])
def course(request: HttpRequest, org_slug: str, course_id: int) -> HttpResponse:
    """A course of care with its team now and before; opening it is logged."""
    context, found, organiser = _course(request, org_slug, course_id)
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=found,
        subject=found.person,
    )
    return render(
        request,
        "care/team/course.html",
        {
            "org": context,
            "course": found,
            "team": team_of(found),
            "organiser": organiser,
            "on_team": not organiser or is_team_member(found, context.user),
        },
    )


def team_add(request: HttpRequest, org_slug: str, course_id: int) -> HttpResponse:
    context, found, organiser = _course(request, org_slug, course_id)
    if not found.is_open:
        return _ended(request, org_slug, found)
    form = TeamMemberAddForm(request.POST or None, organization=context.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.team_member_add(
                course=found,
                staff=data["staff"],
                role=data["role"],
                is_primary=data["is_primary"],
                actor=context.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now on the team.") % {"name": member.staff.get_full_name()},
            )
            return redirect("care:course", org_slug=org_slug, course_id=found.pk)
    return render(
        request,
        "care/team/team_add.html",
        {"org": context, "course": found, "form": form, "organiser": organiser},
    )


def team_member(
    request: HttpRequest, org_slug: str, course_id: int, member_id: int
) -> HttpResponse:
    """Change a team member's role on the team, or make them the primary contact."""
    context, found, organiser = _course(request, org_slug, course_id)
    if not found.is_open:
        return _ended(request, org_slug, found)
    member = _member(found, member_id)
    form = TeamMemberForm(
        request.POST or None, initial={"role": member.role, "is_primary": member.is_primary}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_update(
                member=member,
                role=form.cleaned_data["role"],
                is_primary=form.cleaned_data["is_primary"],
                actor=context.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("care:course", org_slug=org_slug, course_id=found.pk)
    return render(
        request,
        "care/team/team_member.html",
        {"org": context, "course": found, "member": member, "form": form, "organiser": organiser},
    )


def team_remove(
    request: HttpRequest, org_slug: str, course_id: int, member_id: int
) -> HttpResponse:
    """Confirm, then take the member off the team: their access ends in the same request."""
    context, found, organiser = _course(request, org_slug, course_id)
    if not found.is_open:
        return _ended(request, org_slug, found)
    member = _member(found, member_id)
    error = None
    if request.method == "POST":
        try:
            services.team_member_remove(member=member, actor=context.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            name = member.staff.get_full_name()
            if member.staff_id == context.user.pk and not organiser:
                messages.success(
                    request,
                    _("You are no longer on the care team of %(person)s.")
                    % {"person": found.person.get_full_name()},
                )
                return redirect("care:overview", org_slug=org_slug)
            messages.success(request, _("%(name)s is no longer on the team.") % {"name": name})
            return redirect("care:course", org_slug=org_slug, course_id=found.pk)
    return render(
        request,
        "care/team/team_remove.html",
        {
            "org": context,
            "course": found,
            "member": member,
            "error": error,
            "organiser": organiser,
            "self_removal": member.staff_id == context.user.pk,
        },
    )


def course_end(request: HttpRequest, org_slug: str, course_id: int) -> HttpResponse:
    """End the course with how it ended; the team loses access to the person's data at once."""
    context, found, organiser = _course(request, org_slug, course_id)
    if not found.is_open:
        return _ended(request, org_slug, found)
    form = CourseEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.course_end(
                course=found,
                ended_on=data["ended_on"],
                reason=data["reason"],
                note=data["note"],
                actor=context.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The course of care for %(person)s in %(unit)s has ended.")
                % {"person": found.person.get_full_name(), "unit": found.unit.name},
            )
            if organiser:
                return redirect("care:course", org_slug=org_slug, course_id=found.pk)
            return redirect("care:overview", org_slug=org_slug)
    return render(
        request,
        "care/team/course_end.html",
        {"org": context, "course": found, "form": form, "organiser": organiser},
    )
