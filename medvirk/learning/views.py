"""Learning pages: the catalogue, modules and lessons, certificates, and coordinators' tools.

Every lesson works without JavaScript: quizzes, notes and checklists are
ordinary forms that post back to the lesson's own address and redirect
(post/redirect/get). htmx only saves checklist ticks without a reload.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.learning import selectors, services
from medvirk.learning.access import access_lesson, access_module, access_organization_module
from medvirk.learning.certificates import certificate_pdf
from medvirk.learning.choices import LessonKind
from medvirk.learning.forms import (
    CatalogueFilterForm,
    ChecklistForm,
    OrganizationModuleForm,
    QuizForm,
    ReflectionNoteForm,
    ReportForm,
    RequiredModulesForm,
    RequiredRoleForm,
    module_template,
)
from medvirk.learning.models import Lesson, Module
from medvirk.organizations.access import OrgContext, org_context
from medvirk.organizations.permissions import Action
from medvirk.organizations.roles import Role

PAGE_SIZE = 25


# --- Learner ----------------------------------------------------------------------------------


def catalogue(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The modules a person can take, in their language, with their progress."""
    context = org_context(request.user, org_slug, Action.VIEW_LEARNING)
    form = CatalogueFilterForm(request.GET)
    audience, required_only = "", False
    if form.is_valid():
        audience = form.cleaned_data["audience"]
        required_only = form.cleaned_data["required"]
    entries = selectors.catalogue(
        context,
        language=translation.get_language(),
        audience=audience,
        required_only=required_only,
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/catalogue.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": bool(audience or required_only),
            "query": _query_without_page(request),
        },
    )


def module_detail(request: HttpRequest, org_slug: str, module_key: str) -> HttpResponse:
    """A module's overview: its lessons as steps, progress, and "complete" at the end."""
    context, module = access_module(request.user, org_slug, module_key)
    if request.method == "POST":
        try:
            services.module_complete(
                user=context.user, organization=context.organization, module=module
            )
        except services.ModuleNotFinished:
            messages.error(
                request,
                _("Open every lesson and answer the quiz before you complete the module."),
            )
        else:
            messages.success(request, _("Well done! You have completed the module."))
        return redirect("learning:module_detail", org_slug=org_slug, module_key=module.key)
    status = selectors.module_status(context.user, context.organization, module)
    return render(
        request,
        "learning/module_detail.html",
        {"org": context, "module": module, "status": status},
    )


def lesson_detail(request: HttpRequest, org_slug: str, module_key: str, step: int) -> HttpResponse:
    """One lesson. Opening it counts as viewing it; its form posts back here."""
    context, _module, lesson = access_lesson(request.user, org_slug, module_key, step)
    if request.method == "POST":
        return _lesson_post(request, context, lesson)
    return _render_lesson(request, context, lesson)


def _lesson_url(lesson: Lesson, org_slug: str) -> str:
    return reverse("learning:lesson_detail", args=[org_slug, lesson.module.key, lesson.step])


def _lesson_post(request: HttpRequest, context: OrgContext, lesson: Lesson) -> HttpResponse:
    slug = context.organization.slug
    if lesson.kind == LessonKind.QUIZ:
        quiz_form = QuizForm(request.POST, lesson=lesson)
        if not quiz_form.is_valid():
            return _render_lesson(request, context, lesson, quiz_form=quiz_form)
        services.quiz_submit(
            user=context.user,
            organization=context.organization,
            lesson=lesson,
            answers=quiz_form.answers(),
        )
        return redirect(_lesson_url(lesson, slug) + "#result")
    if lesson.kind == LessonKind.REFLECTION:
        note_form = ReflectionNoteForm(request.POST)
        if not note_form.is_valid():
            return _render_lesson(request, context, lesson, note_form=note_form)
        services.reflection_note_save(
            user=context.user,
            organization=context.organization,
            lesson=lesson,
            text=note_form.cleaned_data["text"],
        )
        messages.success(request, _("Your notes were saved. Only you can read them."))
        return redirect(_lesson_url(lesson, slug))
    if lesson.kind == LessonKind.TIPS:
        checklist_form = ChecklistForm(request.POST, lesson=lesson)
        if checklist_form.is_valid():
            ticked = services.checklist_update(
                user=context.user,
                organization=context.organization,
                lesson=lesson,
                shown=set(checklist_form.cleaned_data["shown"]),
                ticked=set(checklist_form.cleaned_data["ticked"]),
            )
            if request.htmx:  # type: ignore[attr-defined]
                block = _checklist_block(lesson, set(checklist_form.cleaned_data["shown"]))
                return render(
                    request,
                    "learning/lesson_detail.html#checklist",
                    {
                        "org": context,
                        "lesson": lesson,
                        "block": block,
                        "ticked": ticked,
                        "saved": True,
                    },
                )
            messages.success(request, _("Your checklist was saved."))
        return redirect(_lesson_url(lesson, slug))
    return HttpResponseNotAllowed(["GET"])


def _checklist_block(lesson: Lesson, shown: set[int]) -> dict[str, object]:
    for number, block in enumerate(lesson.blocks):
        items = block.get("checklist")
        if items and {item["index"] for item in items} & shown:
            return {**block, "number": number}
    return {"checklist": [], "number": 0}


def _render_lesson(
    request: HttpRequest,
    context: OrgContext,
    lesson: Lesson,
    *,
    quiz_form: QuizForm | None = None,
    note_form: ReflectionNoteForm | None = None,
) -> HttpResponse:
    module = lesson.module
    progress = services.lesson_viewed(
        user=context.user, organization=context.organization, lesson=lesson
    )
    status = selectors.module_status(context.user, context.organization, module)
    lessons = status.lessons
    position = lesson.position
    extra: dict[str, object] = {}
    if lesson.kind == LessonKind.QUIZ:
        extra["result"] = selectors.latest_quiz_result(progress, lesson)
        extra["quiz_form"] = quiz_form or QuizForm(lesson=lesson)
    elif lesson.kind == LessonKind.REFLECTION:
        extra["note_form"] = note_form or ReflectionNoteForm(
            initial={"text": selectors.own_note(progress, lesson)}
        )
    elif lesson.kind == LessonKind.TIPS:
        extra["ticked"] = selectors.ticked_items(progress, lesson)
        extra["blocks"] = [{**block, "number": n} for n, block in enumerate(lesson.blocks)]
    return render(
        request,
        "learning/lesson_detail.html",
        {
            "org": context,
            "module": module,
            "lesson": lesson,
            "status": status,
            "count": len(lessons),
            "previous": lessons[position - 1] if position > 0 else None,
            "next": lessons[position + 1] if position + 1 < len(lessons) else None,
            **extra,
        },
    )


def certificate(request: HttpRequest, org_slug: str, module_key: str) -> HttpResponse:
    """The certificate of a completed module as PDF; 404 until it is completed."""
    context, module = access_module(request.user, org_slug, module_key)
    progress = selectors.progress_for(context.user, context.organization, module.key)
    if progress is None or progress.completed_at is None:
        raise Http404
    pdf = certificate_pdf(context=context, module=module, progress=progress)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{module.key}.pdf"'
    return response


# --- Coordinators and leaders --------------------------------------------------------------------


def required_modules(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Coordinators choose which modules each role must complete."""
    context = org_context(request.user, org_slug, Action.MANAGE_LEARNING)
    choices = selectors.module_titles(context.organization, translation.get_language())
    current = selectors.required_by_role(context.organization)
    if request.method == "POST":
        form = RequiredModulesForm(request.POST, module_choices=choices)
        if form.is_valid():
            role = form.cleaned_data["role"]
            services.required_modules_set(
                actor=context.user,
                organization=context.organization,
                role=role,
                module_keys=form.cleaned_data["modules"],
            )
            messages.success(
                request,
                _("The required modules for the role %(role)s were saved.")
                % {"role": Role(role).label},
            )
            return redirect(reverse("learning:required", args=[org_slug]) + f"?role={role}")
        role = str(form.data.get("role", ""))
    else:
        chosen = RequiredRoleForm(request.GET or None)
        role = chosen.cleaned_data["role"] if chosen.is_valid() else ""
        form = RequiredModulesForm(
            initial={"role": role, "modules": current.get(role, [])}, module_choices=choices
        )
    titles = dict(choices)
    summary = [
        (value, label, [titles.get(key, key) for key in current.get(value, [])])
        for value, label in Role.choices
    ]
    return render(
        request,
        "learning/required.html",
        {
            "org": context,
            "form": form,
            "role_form": RequiredRoleForm(initial={"role": role} if role else None),
            "role": role if role in Role.values else "",
            "role_label": Role(role).label if role in Role.values else "",
            "summary": summary,
            "has_modules": bool(choices),
        },
    )


def report(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Completion of a module per role and per unit, small groups suppressed."""
    context = org_context(request.user, org_slug, Action.VIEW_LEARNING_REPORTS)
    choices = selectors.module_titles(context.organization, translation.get_language())
    form = ReportForm(request.GET or None, module_choices=choices)
    key = form.cleaned_data["module"] if form.is_valid() else (choices[0][0] if choices else "")
    completion = selectors.completion_report(context.organization, key) if key else None
    return render(
        request,
        "learning/report.html",
        {
            "org": context,
            "form": form
            if form.is_bound
            else ReportForm(initial={"module": key}, module_choices=choices),
            "report": completion,
            "module_title": dict(choices).get(key, ""),
        },
    )


def organization_module_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_LEARNING)
    modules = Module.objects.filter(organization=context.organization).defer("source_text")
    page = Paginator(modules.order_by("order", "title", "language"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "learning/module_list.html", {"org": context, "page": page})


def _module_form_page(
    request: HttpRequest, context: OrgContext, form: OrganizationModuleForm, module: Module | None
) -> HttpResponse:
    previewing = "preview" in request.POST
    template = "learning/module_form.html"
    if previewing and request.htmx:  # type: ignore[attr-defined]
        template += "#preview"
    return render(
        request,
        template,
        {
            "org": context,
            "form": form,
            "module": module,
            "previewing": previewing,
            "preview": form.parsed if previewing else None,
        },
    )


def organization_module_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_LEARNING)
    form = OrganizationModuleForm(
        request.POST or None,
        organization=context.organization,
        initial={"language": translation.get_language(), "text": module_template()},
    )
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        assert form.parsed is not None
        module = services.organization_module_save(
            actor=context.user,
            organization=context.organization,
            parsed=form.parsed,
            is_published=form.cleaned_data["is_published"],
        )
        messages.success(request, _("The module “%(title)s” was saved.") % {"title": module.title})
        return redirect("learning:organization_module_edit", org_slug=org_slug, module_id=module.pk)
    return _module_form_page(request, context, form, None)


def organization_module_edit(request: HttpRequest, org_slug: str, module_id: int) -> HttpResponse:
    context, module = access_organization_module(request.user, org_slug, module_id)
    form = OrganizationModuleForm(
        request.POST or None,
        organization=context.organization,
        module=module,
        initial={
            "language": module.language,
            "text": module.source_text,
            "is_published": module.is_published,
        },
    )
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        assert form.parsed is not None
        services.organization_module_save(
            actor=context.user,
            organization=context.organization,
            parsed=form.parsed,
            is_published=form.cleaned_data["is_published"],
        )
        messages.success(request, _("The module was saved."))
        return redirect("learning:organization_module_edit", org_slug=org_slug, module_id=module.pk)
    return _module_form_page(request, context, form, module)
