"""The demo municipality's user council, with seats, members, meetings, minutes and answers.

Loaded by ``demo_load`` after the organisations and people exist. Every row is
found by a natural key (names, titles, positions) and updated in place, so
loading twice changes nothing; dates are relative to the day of loading, so
the coming meeting is always ahead and one term always ends soon.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.councils.choices import (
    AgendaKind,
    CouncilKind,
    MeetingStatus,
    MemberRole,
    MinutesAudience,
    Rsvp,
    Visibility,
)
from medvirk.councils.meeting_calendar import meeting_zone
from medvirk.councils.models import (
    AgendaItem,
    Council,
    CouncilMember,
    Invitation,
    Meeting,
    Seat,
    UserOrganization,
)
from medvirk.demo.data import MUNICIPALITY, demo_email
from medvirk.organizations.models import Organization

COUNCIL_NAME = "Brukerrådet for helse og omsorg"

MANDATE = (
    "Brukerrådet for helse og omsorg er et rådgivende organ for kommunen. Rådet skal sikre "
    "at erfaringene til brukere og pårørende blir hørt når tjenestene planlegges, utvikles "
    "og evalueres.\n\n"
    "Rådet gir innspill til planer, budsjett og høringer på helse- og omsorgsområdet, kan "
    "selv ta opp saker og får tilbakemelding på hvordan innspillene er brukt. Medlemmene "
    "oppnevnes for to år av gangen etter forslag fra bruker- og pasientorganisasjonene."
)

# (name, short name, website)
USER_ORGANIZATIONS = (
    ("Funksjonshemmedes Fellesorganisasjon", "FFO", "https://www.ffo.no/"),
    # The local chapter: the organisation-wide name stays free for people to add.
    ("Mental Helse Eksempel", "Mental Helse", "https://mentalhelse.no/"),
    ("Kreftforeningen", "Kreftforeningen", "https://kreftforeningen.no/"),
    ("Pensjonistforbundet", "Pensjonistforbundet", "https://www.pensjonistforbundet.no/"),
    ("Rusmisbrukernes interesseorganisasjon", "RIO", "https://rio.no/"),
    ("Pårørendeforeningen i Eksempel kommune", "Pårørendeforeningen", ""),
)

# (position, title, requirement, must be filled)
SEATS = (
    (1, "Funksjonshemmedes organisasjoner", "Foreslått av en organisasjon i FFO.", True),
    (
        2,
        "Psykisk helse og rus",
        "Egen erfaring med psykisk helse eller rus; foreslått av Mental Helse eller RIO.",
        True,
    ),
    (3, "Pårørende", "Pårørende til en som får helse- og omsorgstjenester i kommunen.", True),
    (4, "Eldre", "Foreslått av pensjonistforeningene i kommunen.", True),
    (5, "Kreft og langvarig sykdom", "Gjerne foreslått av Kreftforeningen.", False),
)

# (person, role, seat position or None, user organisation short name or None,
#  term start in days from today, term end in days from today or None)
MEMBERS = (
    ("Aisha Ali", MemberRole.CHAIR, 1, "FFO", -400, 330),
    ("Per Olsen", MemberRole.DEPUTY_CHAIR, 2, "RIO", -400, 330),
    ("Kari Nordmann", MemberRole.MEMBER, 2, "Mental Helse", -400, 330),
    # The term that ends soon: the composition view warns about it.
    ("Ola Nordmann", MemberRole.MEMBER, 3, "Pårørendeforeningen", -680, 45),
    ("Lars Johansen", MemberRole.OBSERVER, None, None, -400, None),
    ("Sigrid Berg", MemberRole.SECRETARY, None, None, -400, None),
)

# (title, kind, description, minutes, decision)
AgendaSpec = tuple[str, str, str, str, str]

PAST_PUBLIC: tuple[str, int, str, tuple[AgendaSpec, ...]] = (
    "Rådsmøte: budsjett og pårørendeplan",
    -70,
    MinutesAudience.PUBLIC,
    (
        (
            "Godkjenning av innkalling og saksliste",
            AgendaKind.DECISION,
            "",
            "Ingen merknader til innkallingen.",
            "Innkalling og saksliste godkjennes.",
        ),
        (
            "Budsjett for helse og omsorg neste år",
            AgendaKind.INFORMATION,
            "Kommunalsjefen orienterer om forslaget til budsjett og de største endringene.",
            "Rådet fikk en gjennomgang av budsjettforslaget. Medlemmene spurte særlig om "
            "dagtilbud og avlastning for pårørende.",
            "",
        ),
        (
            "Handlingsplan for pårørendearbeid",
            AgendaKind.DECISION,
            "Utkast til handlingsplan sendes ut på forhånd. Rådet bes gi innspill.",
            "Rådet mente planen er et godt steg, men at pårørende må få én fast kontaktperson "
            "og at informasjonen må finnes på flere språk.",
            "Brukerrådet støtter handlingsplanen med to innspill: fast kontaktperson for "
            "pårørende og informasjon på flere språk.",
        ),
    ),
)

PAST_MEMBERS: tuple[str, int, str, tuple[AgendaSpec, ...]] = (
    "Rådsmøte: hjemmetjenestene",
    -21,
    MinutesAudience.MEMBERS,
    (
        (
            "Erfaringer med hjemmetjenestene",
            AgendaKind.DISCUSSION,
            "Medlemmene deler erfaringer fra brukere og pårørende de har snakket med.",
            "Flere har opplevd at mange ulike ansatte kommer hjem til samme bruker. Rådet ba "
            "om færre personer rundt hver bruker.",
            "",
        ),
        (
            "Høring: ny praksis for tildeling av tjenester",
            AgendaKind.DECISION,
            "Kommunen foreslår nye retningslinjer for vedtak om hjemmetjenester.",
            "Rådet drøftet forslaget og var bekymret for kortere vedtaksperioder.",
            "Brukerrådet gir høringsuttalelse: vedtak bør gjelde minst seks måneder, og "
            "brukeren skal alltid få være med på evalueringen.",
        ),
        ("Eventuelt", AgendaKind.INFORMATION, "", "Ingen saker.", ""),
    ),
)

UPCOMING: tuple[str, int, tuple[AgendaSpec, ...]] = (
    "Rådsmøte: brukermedvirkning i praksis",
    14,
    (
        (
            "Godkjenning av innkalling og saksliste",
            AgendaKind.DECISION,
            "",
            "",
            "",
        ),
        (
            "Tilbakemelding: hvordan ble innspillene til pårørendeplanen brukt?",
            AgendaKind.INFORMATION,
            "Kommunen forteller hva som ble tatt med i den vedtatte planen, og hvorfor.",
            "",
            "",
        ),
        (
            "Ny brukerundersøkelse i psykisk helse og rus",
            AgendaKind.DISCUSSION,
            "Rådet bes gi innspill til spørsmålene før undersøkelsen sendes ut.",
            "",
            "",
        ),
    ),
)

# Who came to the past meetings, and the answers to the coming one:
# person → (answer, access needs).
ATTENDED = ("Aisha Ali", "Per Olsen", "Kari Nordmann", "Sigrid Berg")
ANSWERS = {
    "Aisha Ali": (Rsvp.YES, "Rullestolplass ved bordet og trinnfri adkomst."),
    "Kari Nordmann": (Rsvp.MAYBE, ""),
    "Per Olsen": (Rsvp.NO, ""),
    "Sigrid Berg": (Rsvp.YES, ""),
}


def _person(full_name: str) -> User:
    return User.objects.get(email=demo_email(full_name))


def _at(today: date, days: int, hour: int) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(hour, 0), tzinfo=meeting_zone())


def _council(organization: Organization) -> Council:
    council, _ = Council.objects.update_or_create(
        organization=organization,
        name=COUNCIL_NAME,
        defaults={
            "kind": CouncilKind.USER_COUNCIL,
            "mandate": MANDATE,
            "visibility": Visibility.OWNER,
            "term_months": 24,
            "is_active": True,
        },
    )
    return council


def _members(council: Council, today: date) -> dict[str, CouncilMember]:
    represented = {}
    for name, short, website in USER_ORGANIZATIONS:
        row, _ = UserOrganization.objects.update_or_create(
            name=name, defaults={"short_name": short, "website": website}
        )
        represented[short] = row
    seats = {}
    for position, title, requirement, required in SEATS:
        seat, _ = Seat.objects.update_or_create(
            council=council,
            title=title,
            defaults={"requirement": requirement, "required": required, "position": position},
        )
        seats[position] = seat
    members = {}
    for name, role, seat_at, represents, start, end in MEMBERS:
        members[name], _ = CouncilMember.objects.update_or_create(
            council=council,
            user=_person(name),
            defaults={
                "role": role,
                "seat": seats[seat_at] if seat_at else None,
                "represents": represented[represents] if represents else None,
                "term_start": today + timedelta(days=start),
                "term_end": today + timedelta(days=end) if end is not None else None,
            },
        )
    return members


def _meeting(
    council: Council, title: str, days: int, agenda: tuple[AgendaSpec, ...], today: date
) -> Meeting:
    held = days < 0
    meeting, _ = Meeting.objects.update_or_create(
        council=council,
        title=title,
        defaults={
            "starts_at": _at(today, days, 18),
            "ends_at": _at(today, days, 20),
            "place": "Rådhuset, møterom Fjorden",
            "video_url": "" if held else "https://video.example.org/brukerradet",
            "status": MeetingStatus.HELD if held else MeetingStatus.PLANNED,
        },
    )
    for position, (item_title, kind, description, minutes, decision) in enumerate(agenda, 1):
        AgendaItem.objects.update_or_create(
            meeting=meeting,
            position=position,
            defaults={
                "title": item_title,
                "kind": kind,
                "description": description,
                "minutes": minutes,
                "decision": decision,
            },
        )
    return meeting


def _invite(meeting: Meeting, members: dict[str, CouncilMember], *, held: bool) -> None:
    sent = meeting.starts_at - timedelta(days=14)
    for name, member in members.items():
        values: dict[str, object] = {"member": member, "sent_at": sent}
        if held:
            values["attended"] = name in ATTENDED
            values["rsvp"] = Rsvp.YES if name in ATTENDED else Rsvp.NO
        else:
            rsvp, needs = ANSWERS.get(name, (Rsvp.PENDING, ""))
            values.update(
                rsvp=rsvp,
                access_needs=needs,
                responded_at=sent + timedelta(days=2) if rsvp != Rsvp.PENDING else None,
            )
        Invitation.objects.update_or_create(meeting=meeting, user=member.user, defaults=values)


def demo_councils(organizations: dict[str, Organization]) -> Council:
    """Create or update the user council of the demo municipality; return it."""
    today = timezone.localdate()
    council = _council(organizations[MUNICIPALITY.slug])
    members = _members(council, today)
    for title, days, audience, agenda in (PAST_PUBLIC, PAST_MEMBERS):
        meeting = _meeting(council, title, days, agenda, today)
        _invite(meeting, members, held=True)
        meeting.minutes_published_at = meeting.ends_at + timedelta(days=7)
        meeting.minutes_audience = audience
        meeting.save(update_fields=["minutes_published_at", "minutes_audience", "updated_at"])
    title, days, agenda = UPCOMING
    _invite(_meeting(council, title, days, agenda, today), members, held=False)
    return council
