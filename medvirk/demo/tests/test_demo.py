"""The demo installation loads once, idempotently, with one login per role."""

from django.core.management import call_command

from medvirk.accounts.models import User
from medvirk.demo.data import DEMO_PASSWORD
from medvirk.demo.services import demo_load
from medvirk.organizations.models import Membership, Organization, OrganizationKind
from medvirk.organizations.roles import Role


def test_demo_has_both_organisations_and_a_collaboration_body(db):
    demo_load()
    kommune = Organization.objects.get(slug="eksempel-kommune")
    hf = Organization.objects.get(slug="helse-eksempel")
    body = Organization.objects.get(slug="helsefellesskapet-eksempel")
    assert (kommune.kind, hf.kind, body.kind) == (
        OrganizationKind.MUNICIPALITY,
        OrganizationKind.HEALTH_TRUST,
        OrganizationKind.COLLABORATION,
    )
    assert set(body.member_organizations.all()) == {kommune, hf}
    assert kommune.units.filter(name="Psykisk helse og rus").exists()


def test_every_role_has_a_login_in_each_main_organisation(db):
    logins = demo_load()
    for slug in ("eksempel-kommune", "helse-eksempel"):
        assert {login.role for login in logins if login.organization_slug == slug} == set(Role)


def test_loading_twice_changes_nothing(db):
    demo_load()
    counts = (User.objects.count(), Membership.objects.count(), Organization.objects.count())
    demo_load()
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
    )


def test_demo_accounts_are_marked_and_have_the_published_password(db):
    demo_load()
    user = User.objects.get(email="kari.nordmann@medvirk.test")
    assert user.is_demo
    assert user.check_password(DEMO_PASSWORD)


def test_demo_logins_prints_tab_separated_lines(db, capsys):
    call_command("load_demo")
    capsys.readouterr()
    call_command("demo_logins")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 19
    roles = {choice.value for choice in Role}
    for line in lines:
        email, password, role, slug = line.split("\t")
        assert "@" in email
        assert password == DEMO_PASSWORD
        assert role in roles
        assert Organization.objects.filter(slug=slug).exists()
    assert "kari.nordmann@medvirk.test\tDemo-medvirk-2026\tuser\teksempel-kommune" in lines
