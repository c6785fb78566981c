from typing import Any

from django.core.management.base import BaseCommand

from medvirk.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo organisations and one account per role (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        self.stdout.write(f"Demo installation ready: {len(logins)} demo logins.")
