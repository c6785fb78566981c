"""The demo municipality's proposals and "you said — we did".

Loaded by ``demo_load`` after the people (and the demo survey, if any) exist.
Proposals are found by their title, status rows by proposal and status,
supports by person, changes by their "you said" text, so loading twice
changes nothing. Rows are written directly, not through the services: a demo
load tells nobody anything. Dates are relative to the day of loading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.demo.data import MUNICIPALITY, demo_email
from medvirk.organizations.models import Organization, Unit
from medvirk.proposals.choices import Category, Status
from medvirk.proposals.models import Change, Proposal, StatusChange, Support
from medvirk.surveys.models import Survey

RESPONSIBLE = "Ingrid Hansen"
COORDINATOR = "Sigrid Berg"
ANONYMOUS_EMAIL = "anonym.innsender@example.org"


@dataclass(frozen=True)
class DemoProposal:
    unit: str
    category: str
    title: str
    text: str
    submitted_by: str | None  # full name, or None for an anonymous visitor
    days_ago: int
    # (status, days ago) after "received"; the last one is the current status.
    steps: tuple[tuple[str, int], ...] = ()
    answer: str = ""
    decline_reason: str = ""
    contact_email: str = ""
    supporters: tuple[str, ...] = field(default_factory=tuple)


PROPOSALS = (
    DemoProposal(
        unit="Hjemmetjenester",
        category=Category.INFORMATION,
        title="Beskjed når hjemmesykepleien blir forsinket",
        text=(
            "Noen dager kommer hjemmesykepleien over en time senere enn avtalt. Da sitter jeg "
            "og venter uten å vite noe. Kan dere sende en SMS når dere blir forsinket?"
        ),
        submitted_by="Kari Nordmann",
        days_ago=70,
        steps=((Status.CONSIDERING, 62), (Status.PLANNED, 40), (Status.DONE, 12)),
        answer=(
            "Nå får du en SMS når besøket blir mer enn 30 minutter forsinket, med ny "
            "forventet tid. Si fra til oss hvis du heller vil ha en telefon."
        ),
        supporters=("Ola Nordmann", "Aisha Ali", "Per Olsen"),
    ),
    DemoProposal(
        unit="Psykisk helse og rus",
        category=Category.ACTIVITIES,
        title="Turgruppe på lørdager",
        text=(
            "Helgene er lange når dagsenteret er stengt. En turgruppe på lørdager, gjerne med "
            "en ansatt eller en erfaringskonsulent, ville gjort det lettere å komme seg ut."
        ),
        submitted_by="Ola Nordmann",
        days_ago=45,
        steps=((Status.CONSIDERING, 38), (Status.PLANNED, 20)),
        answer=(
            "Fra april starter vi en turgruppe annenhver lørdag klokken 11, ledet av en "
            "erfaringskonsulent. Oppmøte utenfor dagsenteret."
        ),
        supporters=("Kari Nordmann",),
    ),
    DemoProposal(
        unit="Lærings- og mestringssenter",
        category=Category.PREMISES,
        title="Større lokale til mestringskurset",
        text=(
            "Kurset om å leve med angst er så populært at rommet blir fullt. Det er trangt og "
            "varmt, og noen måtte stå. Kan kurset flyttes til et større rom?"
        ),
        submitted_by=None,
        days_ago=55,
        steps=((Status.CONSIDERING, 50), (Status.DECLINED, 30)),
        answer="Takk for at du sa fra. Neste semester deler vi kurset i to grupper.",
        decline_reason=(
            "Vi har ikke et større lokale som er ledig på kveldstid. I stedet deler vi kurset "
            "i to mindre grupper, slik at alle får sitteplass."
        ),
    ),
    DemoProposal(
        unit="Hjemmetjenester",
        category=Category.RESPECT,
        title="Vite hvem som kommer",
        text=(
            "Det kommer mange forskjellige ansatte hjem til min far. Han blir urolig når han "
            "ikke vet hvem som kommer. Kan vi få vite navnet på den som kommer dagen før?"
        ),
        submitted_by=None,
        contact_email=ANONYMOUS_EMAIL,
        days_ago=9,
        steps=((Status.CONSIDERING, 4),),
    ),
    DemoProposal(
        unit="Psykisk helse og rus",
        category=Category.FOOD,
        title="Varm mat på onsdager",
        text="Kunne vi fått et varmt måltid på onsdager, når vi er der hele dagen?",
        submitted_by="Kari Nordmann",
        days_ago=2,
        supporters=("Per Olsen",),
    ),
)

# (you said, we did, unit name or None for the whole organisation, days ago published)
CHANGES = (
    (
        "I brukerundersøkelsen svarte mange at de ikke visste hva som skulle skje i første "
        "samtale, og at det gjorde dem urolige.",
        "Nå får alle et brev en uke før første samtale, med hvem de skal møte, hva vi skal "
        "snakke om og at de gjerne kan ta med seg noen.",
        "Psykisk helse og rus",
        14,
    ),
    (
        "Flere svarte at det var vanskelig å nå oss på telefon, særlig om morgenen.",
        "Vi har fått en egen telefontid for brukere og pårørende hverdager 08–10, og vi "
        "ringer tilbake samme dag når det er kø.",
        None,
        7,
    ),
)


def _person(full_name: str) -> User:
    return User.objects.get(email=demo_email(full_name))


def _at(days_ago: int) -> datetime:
    now = timezone.now()
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(10, 0), tzinfo=now.tzinfo)


def _proposal(organization: Organization, units: dict[str, Unit], spec: DemoProposal) -> Proposal:
    status = spec.steps[-1][0] if spec.steps else Status.RECEIVED
    answered_at = _at(spec.steps[-1][1]) if spec.answer and spec.steps else None
    proposal, _created = Proposal.objects.update_or_create(
        organization=organization,
        title=spec.title,
        defaults={
            "unit": units[spec.unit],
            "category": spec.category,
            "text": spec.text,
            "submitted_by": _person(spec.submitted_by) if spec.submitted_by else None,
            "contact_email": spec.contact_email,
            "status": status,
            "decline_reason": spec.decline_reason if status == Status.DECLINED else "",
            "answer": spec.answer,
            "answered_at": answered_at,
            "responsible": _person(RESPONSIBLE) if spec.steps else None,
        },
    )
    # The creation time is set by the database; move it to the demo's day.
    Proposal.objects.filter(pk=proposal.pk).update(created_at=_at(spec.days_ago))
    coordinator = _person(COORDINATOR)
    steps = ((Status.RECEIVED, spec.days_ago), *spec.steps)
    for step_status, days_ago in steps:
        row, _created = StatusChange.objects.update_or_create(
            proposal=proposal,
            status=step_status,
            defaults={
                "note": spec.decline_reason if step_status == Status.DECLINED else "",
                "changed_by": None if step_status == Status.RECEIVED else coordinator,
            },
        )
        StatusChange.objects.filter(pk=row.pk).update(created_at=_at(days_ago))
    for name in spec.supporters:
        Support.objects.get_or_create(proposal=proposal, user=_person(name))
    return proposal


def demo_proposals(organizations: dict[str, Organization]) -> list[Proposal]:
    """Create or update the demo municipality's proposals and published changes."""
    organization = organizations[MUNICIPALITY.slug]
    units = {unit.name: unit for unit in Unit.objects.filter(organization=organization)}
    proposals = [_proposal(organization, units, spec) for spec in PROPOSALS]
    survey = Survey.objects.filter(organization=organization).order_by("pk").first()
    coordinator = _person(COORDINATOR)
    for you_said, we_did, unit_name, days_ago in CHANGES:
        Change.objects.update_or_create(
            organization=organization,
            you_said=you_said,
            defaults={
                "we_did": we_did,
                "unit": units[unit_name] if unit_name else None,
                "survey": survey,
                "published_at": _at(days_ago),
                "created_by": coordinator,
            },
        )
    return proposals
