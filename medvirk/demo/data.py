"""The demo installation: two organisations, a collaboration body, one person per role."""

from __future__ import annotations

from dataclasses import dataclass

from medvirk.organizations.models import OrganizationKind
from medvirk.organizations.roles import Role

DEMO_PASSWORD = "Demo-medvirk-2026"  # noqa: S105 — published on purpose, demo mode only


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    kind: str
    units: tuple[tuple[str, str], ...]
    people: tuple[tuple[str, str, str | None], ...]  # (role, full name, unit name or None)
    members: tuple[str, ...] = ()


MUNICIPALITY = DemoOrg(
    slug="eksempel-kommune",
    name="Eksempel kommune",
    kind=OrganizationKind.MUNICIPALITY,
    units=(
        (
            "Psykisk helse og rus",
            "Oppfølging i hjemmet, samtaler og mestringskurs for voksne med psykiske "
            "plager og rusutfordringer.",
        ),
        (
            "Hjemmetjenester",
            "Hjemmesykepleie og praktisk bistand for deg som bor hjemme og trenger hjelp "
            "i hverdagen.",
        ),
        (
            "Lærings- og mestringssenter",
            "Kurs for pasienter og pårørende, laget sammen med brukerrepresentanter.",
        ),
    ),
    people=(
        (Role.USER, "Kari Nordmann", "Psykisk helse og rus"),
        (Role.NEXT_OF_KIN, "Ola Nordmann", "Psykisk helse og rus"),
        (Role.STAFF, "Ingrid Hansen", "Psykisk helse og rus"),
        (Role.LEADER, "Lars Johansen", "Psykisk helse og rus"),
        (Role.REPRESENTATIVE, "Aisha Ali", None),
        (Role.EXPERIENCE_CONSULTANT, "Per Olsen", "Psykisk helse og rus"),
        (Role.COORDINATOR, "Sigrid Berg", "Lærings- og mestringssenter"),
        (Role.ADMIN, "Nils Larsen", None),
    ),
)

HEALTH_TRUST = DemoOrg(
    slug="helse-eksempel",
    name="Helse Eksempel HF",
    kind=OrganizationKind.HEALTH_TRUST,
    units=(
        (
            "DPS Eksempel",
            "Distriktspsykiatrisk senter med poliklinikk, ambulant team og døgnavdeling.",
        ),
        (
            "Avdeling for rusbehandling",
            "Tverrfaglig spesialisert rusbehandling, poliklinisk og døgn.",
        ),
        (
            "Lærings- og mestringssenteret",
            "Pasient- og pårørendeopplæring i samarbeid med brukerorganisasjonene.",
        ),
    ),
    people=(
        (Role.USER, "Marit Dahl", "DPS Eksempel"),
        (Role.NEXT_OF_KIN, "Jonas Eriksen", "DPS Eksempel"),
        (Role.STAFF, "Hanne Lie", "DPS Eksempel"),
        (Role.LEADER, "Bjørn Halvorsen", "DPS Eksempel"),
        (Role.REPRESENTATIVE, "Fatima Noor", None),
        (Role.EXPERIENCE_CONSULTANT, "Tor Andersen", "Avdeling for rusbehandling"),
        (Role.COORDINATOR, "Silje Moen", "Lærings- og mestringssenteret"),
        (Role.ADMIN, "Erik Solberg", None),
    ),
)

COLLABORATION = DemoOrg(
    slug="helsefellesskapet-eksempel",
    name="Helsefellesskapet Eksempel",
    kind=OrganizationKind.COLLABORATION,
    units=(
        (
            "Faglig samarbeidsutvalg psykisk helse og rus",
            "Felles utvalg for kommunen og helseforetaket, med brukerrepresentanter.",
        ),
    ),
    people=(
        (Role.REPRESENTATIVE, "Aisha Ali", None),
        (Role.COORDINATOR, "Sigrid Berg", None),
        (Role.ADMIN, "Erik Solberg", None),
    ),
    members=("eksempel-kommune", "helse-eksempel"),
)

ORGANIZATIONS = (MUNICIPALITY, HEALTH_TRUST, COLLABORATION)


def demo_email(full_name: str) -> str:
    """A readable address on a reserved test domain: ``kari.nordmann@medvirk.test``."""
    local = (
        full_name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a").replace(" ", ".")
    )
    return f"{local}@medvirk.test"
