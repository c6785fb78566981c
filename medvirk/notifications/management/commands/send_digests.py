"""Send the daily e-mail summaries. Run once a day from cron or a systemd timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medvirk.notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = (
        "E-mail every person who chose the daily summary the notifications they have "
        "not read yet. Safe to run twice: nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of sending from this process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_daily_digests.enqueue()
            self.stdout.write(f"Queued the daily summaries as task {result.id}.")
            return
        sent = send_daily_digests.call()
        self.stdout.write(f"Sent {sent} daily summaries.")
