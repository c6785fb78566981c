from typing import Any

from django.core.management.base import BaseCommand

from medvirk.demo.services import demo_logins


class Command(BaseCommand):
    help = "Print one line per demo account: email<TAB>password<TAB>role<TAB>organisation-slug."

    def handle(self, *args: Any, **options: Any) -> None:
        for login in demo_logins():
            self.stdout.write(
                f"{login.email}\t{login.password}\t{login.role}\t{login.organization_slug}"
            )
