"""Remind people of required learning modules. Run daily from cron or a systemd timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medvirk.learning.tasks import send_learning_reminders


class Command(BaseCommand):
    help = (
        "Remind everyone who has required learning modules they have not completed. "
        "Nobody is reminded more than once a week, so it is safe to run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of sending from this process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_learning_reminders.enqueue()
            self.stdout.write(f"Queued the learning reminders as task {result.id}.")
            return
        sent = send_learning_reminders.call()
        self.stdout.write(f"Sent {sent} learning reminders.")
