"""What a press of a button on a fill page does, shared by every page that fills a form.

``run_fill`` reads the request and returns a ``FillStep``; it stores nothing.
The view that calls it owns the ``Response`` and does the storing. Each
view follows the same recipe::

    step = run_fill(request, definition=definition, items=draft_items,
                    page=draft.current_page, can_save_draft=True)
    if request.method == "POST":
        for pending in step.form.pending_files:      # accepted uploads on this page
            AnswerFile.objects.create(response=draft, key=pending.key,
                                      link_id=pending.link_id, file=pending.upload,
                                      filename=pending.upload.name, size=pending.size,
                                      content_type=pending.content_type, sha1=pending.sha1)
        if step.complete:
            services.submit(draft, items=step.items, ...)   # then redirect to a receipt
        elif step.action != "show":
            services.save_draft(draft, items=step.items, page=step.page)
            if step.redirect:
                return redirect(request.path)                # post/redirect/get
    template = "questionnaires/fill/_form.html" if request.htmx else "<page>.html"
    return render(request, template, {"form": step.form, "action_url": request.path,
                                      "submission_key": draft.submission_key,
                                      "can_save_draft": True, ...})

- ``step.items`` is always safe to store as a draft: only values that could
  be read are in it, answers of disabled questions are removed.
- Pending files must be stored in the same request (the upload is gone
  afterwards); the answer already points at ``urn:uuid:<key>``.
- htmx: the form posts ``_action=refresh`` on a change of a question other
  questions depend on (``hx-post`` on the form, ``hx-select`` of the form's
  body). The view answers with ``_form.html`` alone when ``request.htmx``;
  storing the draft on a refresh is optional.
- ``_form.html`` expects ``form``, ``action_url``, ``submission_key``,
  ``can_save_draft`` and optionally ``submit_label``.

Buttons post ``_action``: ``save``, ``next``, ``previous``, ``refresh``,
``submit``, ``add:<set key>`` (one more instance of a repeating group or
question) and ``remove:<instance key>``. Only ``next`` and ``submit`` need a
valid page; the others keep what was typed, and stop with the problems shown
only when something typed cannot be stored (a letter in a number field):
moving on would silently drop it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from medvirk.questionnaires.definition import Definition
from medvirk.questionnaires.rendering import QuestionnaireForm

ACTIONS = frozenset({"save", "next", "previous", "refresh", "submit"})


@dataclass
class FillStep:
    """What happened, the form to show, and the answer state to store."""

    action: str  # show, refresh, add, remove, save, next, previous, submit
    form: QuestionnaireForm
    items: list[dict[str, Any]]
    page: int
    complete: bool = False
    # True when the caller should store and redirect (post/redirect/get) rather
    # than render ``form``: the step moved on or saved without problems.
    redirect: bool = False


def parse_action(value: str) -> tuple[str, str]:
    """``"add:0_1-2"`` → ("add", "0_1-2"); anything unknown is a refresh."""
    name, _sep, argument = value.partition(":")
    if name in {"add", "remove"} and argument:
        return name, argument
    if name in ACTIONS and not argument:
        return name, ""
    return "refresh", ""


def run_fill(
    request: HttpRequest,
    *,
    definition: Definition,
    items: list[dict[str, Any]],
    page: int,
    can_save_draft: bool,
    prefix: str = "q",
) -> FillStep:
    """Handle one GET or POST of a fill page (see the module docstring)."""
    if request.method != "POST":
        form = QuestionnaireForm(definition, items=items, page=page, prefix=prefix)
        return FillStep("show", form, items, form.page)
    form = QuestionnaireForm(
        definition,
        items=items,
        data=request.POST,
        files=request.FILES,
        page=page,
        prefix=prefix,
    )
    action, argument = parse_action(str(request.POST.get("_action") or ""))
    if action == "save" and not can_save_draft:
        action = "refresh"
    if action == "submit" and not form.is_last_page:
        action = "next"
    if action == "add":
        changed = form.with_added(argument)
        return FillStep("add", changed, changed.response_items(), changed.page)
    if action == "remove":
        changed = form.with_removed(argument)
        return FillStep("remove", changed, changed.response_items(), changed.page)
    if action == "refresh":
        return FillStep("refresh", form, form.response_items(), form.page)
    if action in {"save", "previous"}:
        return _keep_typing(form, action)
    if action == "next":
        return _next(form)
    return _submit(form, definition, prefix)


def _keep_typing(form: QuestionnaireForm, action: str) -> FillStep:
    """Save or go back without requiring answers, unless something typed would be lost."""
    items = form.response_items()
    if not form.is_valid(required=False):
        return FillStep(action, form, items, form.page)
    page = form.page
    if action == "previous":
        previous = form.previous_page()
        page = form.page if previous is None else previous
    return FillStep(action, form, items, page, redirect=True)


def _next(form: QuestionnaireForm) -> FillStep:
    items = form.response_items()
    if not form.is_valid():
        return FillStep("next", form, items, form.page)
    following = form.next_page()
    page = form.page if following is None else following
    return FillStep("next", form, items, page, redirect=True)


def _submit(form: QuestionnaireForm, definition: Definition, prefix: str) -> FillStep:
    """Accept only a form valid on every page; otherwise show the first page with problems."""
    items = form.response_items()
    if not form.is_valid():
        return FillStep("submit", form, items, form.page)
    for index in range(len(definition.pages)):
        if index == form.page:
            continue
        other = QuestionnaireForm(definition, items=items, page=index, prefix=prefix)
        if not other.page_enabled(index):
            continue
        if not other.is_valid():
            return FillStep("submit", other, items, index)
    return FillStep("submit", form, items, form.page, complete=True)
