"""Time the organisation list pages with a large organisation.

Builds a throw-away test database, adds ``--units`` units and ``--members``
memberships to one organisation, then requests each list page ``--repeat``
times as an administrator and prints the median time and the query count.
The point: time and queries must not grow with the size of the organisation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(units: int, members: int) -> tuple[object, str]:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Membership, Organization, Unit
    from medvirk.organizations.roles import Role

    org = Organization.objects.create(name="Stor kommune", slug="stor", kind="municipality")
    Unit.objects.bulk_create(
        [Unit(organization=org, name=f"Tjeneste {i:05d}") for i in range(units)]
    )
    unit_ids = list(Unit.objects.filter(organization=org).values_list("pk", flat=True))
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.test", full_name=f"Person {i:05d}") for i in range(members)]
    )
    roles = [Role.USER, Role.STAFF, Role.NEXT_OF_KIN, Role.REPRESENTATIVE]
    Membership.objects.bulk_create(
        [
            Membership(
                organization=org,
                user=user,
                role=roles[i % len(roles)],
                unit_id=unit_ids[i % len(unit_ids)],
            )
            for i, user in enumerate(users)
        ]
    )
    admin = User.objects.create_user(email="admin@bench.test", password=None)
    Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return admin, org.slug


def measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)  # warm up
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(timings) * 1000, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        admin, slug = build(args.units, args.members)
        client = Client()
        client.force_login(admin)  # type: ignore[arg-type]
        print(f"| page | {args.units} units, {args.members} memberships: median ms | queries |")
        print("|---|---|---|")
        for label, url in [
            ("organisation overview", f"/o/{slug}/"),
            ("units, page 1", f"/o/{slug}/units/"),
            ("units, last page", f"/o/{slug}/units/?page=last"),
            ("members, page 1", f"/o/{slug}/members/"),
            ("members, last page", f"/o/{slug}/members/?page=last"),
        ]:
            ms, queries = measure(client, url, args.repeat)
            print(f"| {label} | {ms:.1f} | {queries} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
