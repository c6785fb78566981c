"""The demo municipality's user representatives, recruitment and honorarium claims.

Loaded by ``demo_load`` after the council exists. Aisha Ali (representative)
and Per Olsen (experience consultant) are demo logins; four more people are
in the registry without a login, so that suggestions have someone to rank:
one of them is busy, the others are not. A recruitment request is open with
one invitation waiting and one declined; two honorarium rates show the
history; Aisha's claims show every stage — exported to payroll, approved,
submitted and a draft made from her attendance at the last council meeting.
Rows are written directly (a demo load notifies nobody) and found by natural
keys, so loading twice changes nothing. Dates are relative to the day of
loading.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.councils.models import Council, Meeting, UserOrganization
from medvirk.demo.data import MUNICIPALITY, demo_email
from medvirk.organizations.models import Membership, Organization
from medvirk.organizations.roles import Role
from medvirk.representatives.honorarium import compute
from medvirk.representatives.models import (
    Assignment,
    AssignmentKind,
    Claim,
    ClaimStatus,
    ConsentAction,
    ConsentEvent,
    ExperienceArea,
    Invitation,
    InvitationStatus,
    Onboarding,
    PayrollExport,
    Profile,
    ProfileKind,
    Rate,
    Request,
    TrainingRecord,
)
from medvirk.representatives.taxonomy import ensure_default_areas

COORDINATOR = "Sigrid Berg"

# (name, kind, areas, nominated by (short name), languages, availability, about)
PROFILES = (
    (
        "Aisha Ali",
        ProfileKind.REPRESENTATIVE,
        ("Funksjonsnedsettelse", "Kronisk sykdom"),
        "FFO",
        ["nb", "en", "ar"],
        "available",
        "Rullestolbruker og leder av FFO lokalt. Opptatt av tilgjengelighet og av at "
        "brukerne får være med tidlig.",
    ),
    (
        "Per Olsen",
        ProfileKind.EXPERIENCE_CONSULTANT,
        ("Psykisk helse", "Rus"),
        "RIO",
        ["nb"],
        "limited",
        "Erfaringskonsulent i psykisk helse og rus, 60 % stilling.",
    ),
    (
        "Jon Berge",
        ProfileKind.REPRESENTATIVE,
        ("Psykisk helse", "Rus"),
        "Mental Helse",
        ["nb"],
        "available",
        "Har vært med i mange utvalg og prosjekter de siste årene.",
    ),
    (
        "Liv Strand",
        ProfileKind.REPRESENTATIVE,
        ("Psykisk helse", "Pårørende"),
        "Pårørendeforeningen",
        ["nb", "en"],
        "available",
        "Mor til en ung voksen med psykiske helseutfordringer.",
    ),
    (
        "Ahmed Hassan",
        ProfileKind.REPRESENTATIVE,
        ("Minoritetsbakgrunn", "Psykisk helse"),
        "",
        ["nb", "so", "ar"],
        "available",
        "Kjenner innvandrermiljøene i kommunen og har egen erfaring fra DPS.",
    ),
    (
        "Eva Lunde",
        ProfileKind.REPRESENTATIVE,
        ("Eldre", "Demens", "Pårørende"),
        "Pensjonistforbundet",
        ["nb"],
        "unavailable",
        "Pårørende til ektefelle med demens. Tar en pause til over nyttår.",
    ),
)
WITHOUT_LOGIN = ("Jon Berge", "Liv Strand", "Ahmed Hassan", "Eva Lunde")


def _person(organization: Organization, full_name: str) -> User:
    email = demo_email(full_name)
    user = User.objects.filter(email=email).first()
    if user is None:  # in the registry, but not a demo login
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
        Membership.objects.get_or_create(
            organization=organization, user=user, role=Role.REPRESENTATIVE, unit=None
        )
    return user


def _profiles(organization: Organization, today: date) -> dict[str, User]:
    people = {}
    for name, kind, areas, nominated, languages, availability, about in PROFILES:
        person = _person(organization, name)
        people[name] = person
        profile, created = Profile.objects.update_or_create(
            organization=organization,
            user=person,
            defaults={
                "kind": kind,
                "consented_at": timezone.now() - timedelta(days=200),
                "nominated_by": UserOrganization.objects.filter(short_name=nominated).first(),
                "languages": languages,
                "region": "Eksempel kommune",
                "availability": availability,
                "about": about,
                "role_description": (
                    "Bidrar med erfaringskunnskap i utviklingsarbeid og i møte med brukere."
                    if kind == ProfileKind.EXPERIENCE_CONSULTANT
                    else ""
                ),
            },
        )
        profile.areas.set(ExperienceArea.objects.filter(name__in=areas))
        if created:
            ConsentEvent.objects.create(
                organization=organization, user=person, action=ConsentAction.GIVEN
            )
    TrainingRecord.objects.get_or_create(
        organization=organization,
        user=people["Per Olsen"],
        title="Erfaringskonsulent – grunnopplæring",
        defaults={"provider": "KORUS", "completed_on": today - timedelta(days=500)},
    )
    return people


def _assignments(
    organization: Organization, council: Council, people: dict[str, User], today: date
) -> Assignment:
    council_seat, _ = Assignment.objects.update_or_create(
        organization=organization,
        user=people["Aisha Ali"],
        title=council.name,
        defaults={
            "kind": AssignmentKind.COUNCIL,
            "council": council,
            "starts_on": today - timedelta(days=400),
            "hours": Decimal("40"),
        },
    )
    Assignment.objects.update_or_create(
        organization=organization,
        user=people["Per Olsen"],
        title="Innføring av pakkeforløp psykisk helse og rus",
        defaults={
            "kind": AssignmentKind.PROJECT,
            "starts_on": today - timedelta(days=120),
            "ends_on": today + timedelta(days=120),
            "hours": Decimal("60"),
            "paid": False,
        },
    )
    busy = (
        ("Arbeidsgruppe for ny rusplan", AssignmentKind.GROUP, -300, None, "30"),
        ("Brukerpanel for digitale tjenester", AssignmentKind.PROJECT, -200, None, "20"),
        ("Evaluering av ambulant team", AssignmentKind.PROJECT, -150, 30, "15"),
        ("Referansegruppe for boligsosial plan", AssignmentKind.GROUP, -500, -100, "25"),
    )
    for title, kind, start, end, hours in busy:
        Assignment.objects.update_or_create(
            organization=organization,
            user=people["Jon Berge"],
            title=title,
            defaults={
                "kind": kind,
                "starts_on": today + timedelta(days=start),
                "ends_on": today + timedelta(days=end) if end is not None else None,
                "hours": Decimal(hours),
            },
        )
    for name in ("Aisha Ali", "Per Olsen"):
        now = timezone.now() - timedelta(days=390)
        Onboarding.objects.get_or_create(
            organization=organization,
            user=people[name],
            defaults={
                "agreement_accepted_at": now,
                "confidentiality_signed_at": now,
                "confidentiality_text": "Jeg har taushetsplikt om det jeg får vite om "
                "enkeltpersoners forhold gjennom oppdraget.",
                "course_completed_at": now,
            },
        )
    return council_seat


def _request(organization: Organization, people: dict[str, User], today: date) -> None:
    coordinator = User.objects.get(email=demo_email(COORDINATOR))
    request, _ = Request.objects.update_or_create(
        organization=organization,
        title="Arbeidsgruppe for ny pårørendeplan",
        defaults={
            "description": "Kommunen skal revidere pårørendeplanen og vil ha med to "
            "representanter med erfaring som pårørende i psykisk helse fra start.",
            "kind": AssignmentKind.GROUP,
            "needed": 2,
            "starts_on": today + timedelta(days=21),
            "ends_on": today + timedelta(days=200),
            "hours": Decimal("12"),
            "created_by": coordinator,
        },
    )
    request.areas.set(ExperienceArea.objects.filter(name__in=["Pårørende", "Psykisk helse"]))
    Invitation.objects.update_or_create(
        request=request,
        user=people["Liv Strand"],
        defaults={
            "organization": organization,
            "message": "Vi tror din erfaring vil være svært nyttig i arbeidsgruppen.",
            "invited_by": coordinator,
        },
    )
    Invitation.objects.update_or_create(
        request=request,
        user=people["Jon Berge"],
        defaults={
            "organization": organization,
            "status": InvitationStatus.DECLINED,
            "responded_at": timezone.now() - timedelta(days=2),
            "decline_reason": "Har mange oppdrag nå, spør gjerne neste gang.",
            "invited_by": coordinator,
        },
    )


def _rates(organization: Organization, today: date) -> Rate:
    Rate.objects.update_or_create(
        organization=organization,
        effective_from=date(today.year - 1, 1, 1),
        defaults={
            "hourly_rate": Decimal("340.00"),
            "rounding_minutes": 30,
            "minimum_minutes_in_person": 60,
            "preparation_minutes": 30,
            "per_km": Decimal("3.50"),
        },
    )
    current, _ = Rate.objects.update_or_create(
        organization=organization,
        effective_from=date(today.year, 1, 1),
        defaults={
            "hourly_rate": Decimal("355.00"),
            "rounding_minutes": 30,
            "minimum_minutes_in_person": 60,
            "preparation_minutes": 30,
            "per_km": Decimal("3.50"),
            "lost_earnings_max": Decimal("2000.00"),
        },
    )
    return current


def _claim(
    organization: Organization,
    person: User,
    assignment: Assignment,
    *,
    description: str,
    worked_on: date,
    status: str,
    meeting: Meeting | None = None,
    minutes: int = 120,
    km: str = "0",
) -> Claim:
    rate = Rate.objects.filter(organization=organization, effective_from__lte=worked_on).first()
    values: dict[str, object] = {
        "organization": organization,
        "assignment": assignment,
        "meeting": meeting,
        "worked_on": worked_on,
        "minutes": minutes,
        "in_person": True,
        "preparation_minutes": rate.preparation_minutes if rate else 0,
        "travel_km": Decimal(km),
        "status": status,
    }
    if status != ClaimStatus.DRAFT and rate is not None:
        amounts = compute(
            rate,
            minutes=minutes,
            preparation_minutes=rate.preparation_minutes,
            in_person=True,
            travel_km=Decimal(km),
        )
        values.update(
            rate=rate,
            paid_minutes=amounts.paid_minutes,
            fee=amounts.fee,
            travel=amounts.travel,
            total=amounts.total,
            submitted_at=timezone.now() - timedelta(days=5),
        )
    claim, _ = Claim.objects.update_or_create(user=person, description=description, defaults=values)
    return claim


def _claims(
    organization: Organization, council: Council, assignment: Assignment, today: date
) -> None:
    person = assignment.user
    coordinator = User.objects.get(email=demo_email(COORDINATOR))
    meetings = list(council.meetings.filter(status="held").order_by("starts_at"))
    older, last = (meetings[0], meetings[-1]) if meetings else (None, None)
    if older is not None:
        exported = _claim(
            organization,
            person,
            assignment,
            description=f"Møte: {older.title}",
            worked_on=timezone.localtime(older.starts_at).date(),
            status=ClaimStatus.EXPORTED,
            meeting=older,
            km="42",
        )
        if exported.export_id is None:
            export = PayrollExport.objects.create(
                organization=organization,
                created_by=coordinator,
                claim_count=1,
                total=exported.total,
            )
            Claim.objects.filter(pk=exported.pk).update(
                export=export, decided_by=coordinator, decided_at=timezone.now()
            )
    _claim(
        organization,
        person,
        assignment,
        description="Innlegg på fagdag om brukermedvirkning",
        worked_on=today - timedelta(days=35),
        status=ClaimStatus.APPROVED,
        minutes=90,
        km="42",
    )
    _claim(
        organization,
        person,
        assignment,
        description="Forberedende møte med rådets leder og sekretær",
        worked_on=today - timedelta(days=10),
        status=ClaimStatus.SUBMITTED,
        minutes=60,
    )
    if last is not None and last != older:
        _claim(
            organization,
            person,
            assignment,
            description=f"Møte: {last.title}",
            worked_on=timezone.localtime(last.starts_at).date(),
            status=ClaimStatus.DRAFT,
            meeting=last,
            minutes=int((last.ends_at - last.starts_at).total_seconds() // 60),
            km="42",
        )


def demo_representatives(organizations: dict[str, Organization], council: Council) -> None:
    """Create or update the registry, a request, rates and claims of the demo municipality."""
    organization = organizations[MUNICIPALITY.slug]
    today = timezone.localdate()
    ensure_default_areas()
    people = _profiles(organization, today)
    assignment = _assignments(organization, council, people, today)
    _request(organization, people, today)
    _rates(organization, today)
    _claims(organization, council, assignment, today)
