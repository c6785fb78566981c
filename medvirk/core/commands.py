"""A base for management commands that run one background task, for cron and timers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TaskCommand(BaseCommand):
    """Run ``task`` in this process, or hand it to the worker with ``--enqueue``.

    Subclasses set ``task`` (a django-tasks task returning a count) and the two
    messages, each with one ``%s`` for the count or the task id.
    """

    task: Any
    done_message = "Done: %s."
    queued_message = "Queued as task %s."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of doing it in this process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = self.task.enqueue()
            self.stdout.write(self.queued_message % result.id)
            return
        self.stdout.write(self.done_message % self.task.call())
