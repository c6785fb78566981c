"""The demo municipality's consultations: one open, one decided, one overdue.

Loaded by ``demo_load`` after the people and the user council exist. Each
consultation is found by its title and updated in place, its responses by
their respondent (or text, for the anonymous one), so loading twice changes
nothing. Dates are relative to the day of loading. Nobody is notified: the
decided consultation's responses are marked as told.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.consultations.choices import ResponsesVisibleTo
from medvirk.consultations.models import Consultation, ConsultationResponse
from medvirk.councils.models import Council, Meeting, UserOrganization
from medvirk.demo.data import MUNICIPALITY, demo_email
from medvirk.organizations.models import Organization

OPEN_TITLE = "Nye åpningstider på dagsenteret"
DECIDED_TITLE = "Ny ordning for transport til dagtilbud"
OVERDUE_TITLE = "Tiltaksplan for støtte til pårørende"

OPEN = {
    "question": (
        "Dagsenteret vurderer å holde åpent én kveld i uken og stenge tidligere på fredager. "
        "Hvilke åpningstider passer best for deg eller den du er pårørende til?"
    ),
    "background": (
        "I dag er dagsenteret åpent **hverdager 09–15**. Flere brukere har ønsket å kunne "
        "komme etter arbeidstid eller skole.\n\n"
        "Forslaget er:\n\n"
        "- åpent til 19 på torsdager\n"
        "- stengt fra 13 på fredager\n\n"
        "Bemanningen blir den samme som i dag."
    ),
    "responses_visible_to": ResponsesVisibleTo.AUDIENCE,
    "audience_public": True,
}

DECIDED = {
    "question": (
        "Kommunen skal lyse ut transporten til dagtilbudene på nytt. Hva er viktigst for deg "
        "når du blir hentet og kjørt hjem?"
    ),
    "background": (
        "Avtalen om transport til dagtilbud går ut ved årsskiftet. Vi vil vite hva som "
        "betyr mest for brukerne før vi skriver kravene i anbudet."
    ),
    "responses_visible_to": ResponsesVisibleTo.PUBLIC,
    "audience_public": True,
    "what_we_heard": (
        "Vi fikk fire innspill. Nesten alle ønsket å vite mer presist når de blir hentet, "
        "og flere fortalte om lang ventetid i bilen fordi ruten var lagt for mange. To "
        "ønsket samme sjåfør så ofte som mulig, og én ønsket mulighet til å ta med ledsager."
    ),
    "decision": (
        "Anbudet krever SMS-varsel 15 minutter før henting, høyst 45 minutter i bilen hver "
        "vei og fast sjåfør på faste ruter. Ledsager kan bli med uten ekstra kostnad."
    ),
    "input_used": (
        "Kravene om varsel, tid i bilen og fast sjåfør kommer direkte fra innspillene. "
        "Grensen på 45 minutter ble satt etter at brukerrådet drøftet saken i møtet."
    ),
    "not_followed": (
        "Ønsket om å kunne bestille henting samme dag er ikke tatt med: det ville gjort "
        "transporten mye dyrere og gått ut over antall plasser på dagtilbudene."
    ),
    "decided_by": "Kommunalsjef for helse og omsorg",
}

OVERDUE = {
    "question": (
        "Hva trenger du som pårørende for å orke å stå i det over tid? Vi lager en "
        "tiltaksplan og vil høre fra dere først."
    ),
    "background": "Planen skal gjelde for alle tjenester innen helse og omsorg.",
    "responses_visible_to": ResponsesVisibleTo.COORDINATORS,
}

# (full name of the respondent or None for an anonymous visitor, on behalf of, text)
DECIDED_RESPONSES = (
    (
        "Aisha Ali",
        "FFO",
        "Det viktigste er å vite når bilen kommer. Nå venter mange ute i kulden.",
    ),
    (
        "Per Olsen",
        "RIO",
        "Samme sjåfør gir trygghet. Mange av oss syns det er vanskelig med nye folk.",
    ),
    ("Kari Nordmann", None, "Jeg har sittet over en time i bilen. Det er for lenge."),
    (None, None, "Kan ledsager få bli med gratis? Min mor tør ikke kjøre alene."),
)
OVERDUE_RESPONSES = (
    ("Ola Nordmann", "Pårørendeforeningen", "Avlastning som kan bestilles på kort varsel."),
    ("Aisha Ali", "FFO", "En fast kontaktperson i kommunen som kjenner familien."),
)
OPEN_RESPONSES = (
    ("Kari Nordmann", None, "Torsdag kveld passer meg godt, da kan jeg komme etter jobb."),
)


def _person(full_name: str) -> User:
    return User.objects.get(email=demo_email(full_name))


def _consultation(
    organization: Organization,
    coordinator: User,
    title: str,
    values: dict[str, Any],
    council: Council | None,
) -> Consultation:
    consultation, _ = Consultation.objects.update_or_create(
        organization=organization,
        title=title,
        defaults={"coordinator": coordinator, "audience_all_representatives": True, **values},
    )
    consultation.audience_councils.set([council] if council else [])
    return consultation


def _responses(
    consultation: Consultation,
    rows: tuple[tuple[str | None, str | None, str], ...],
    *,
    notified_at: datetime | None = None,
) -> None:
    for full_name, behalf, text in rows:
        on_behalf_of = (
            UserOrganization.objects.filter(short_name=behalf).first() if behalf else None
        )
        values = {"on_behalf_of": on_behalf_of, "notified_at": notified_at, "text": text}
        if full_name is None:
            ConsultationResponse.objects.update_or_create(
                consultation=consultation, respondent=None, text=text, defaults=values
            )
        else:
            ConsultationResponse.objects.update_or_create(
                consultation=consultation, respondent=_person(full_name), defaults=values
            )


def demo_consultations(organizations: dict[str, Organization]) -> list[Consultation]:
    """Create or update the demo municipality's three consultations; return them."""
    organization = organizations[MUNICIPALITY.slug]
    coordinator = _person("Sigrid Berg")
    council = Council.objects.filter(organization=organization, kind="user_council").first()
    today = timezone.localdate()
    now = timezone.now()

    def at(days: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(10, 0), tzinfo=now.tzinfo)

    opened = _consultation(
        organization,
        coordinator,
        OPEN_TITLE,
        {
            **OPEN,
            "opens_on": today - timedelta(days=5),
            "closes_on": today + timedelta(days=16),
            "published_at": at(-5),
        },
        council,
    )
    _responses(opened, OPEN_RESPONSES)

    decided = _consultation(
        organization,
        coordinator,
        DECIDED_TITLE,
        {
            **DECIDED,
            "opens_on": today - timedelta(days=90),
            "closes_on": today - timedelta(days=60),
            "published_at": at(-90),
            "decided_on": today - timedelta(days=42),
            "decision_published_at": at(-40),
        },
        council,
    )
    _responses(decided, DECIDED_RESPONSES, notified_at=at(-40))
    if council is not None:
        fed = Meeting.objects.filter(council=council, starts_at__lt=now).order_by("starts_at")
        decided.meetings.set(list(fed[:1]))

    overdue = _consultation(
        organization,
        coordinator,
        OVERDUE_TITLE,
        {
            **OVERDUE,
            "opens_on": today - timedelta(days=75),
            "closes_on": today - timedelta(days=45),
            "published_at": at(-75),
        },
        council,
    )
    _responses(overdue, OVERDUE_RESPONSES)
    return [opened, decided, overdue]
