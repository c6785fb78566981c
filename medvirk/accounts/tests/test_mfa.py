"""Who must use MFA (medvirk.accounts.mfa)."""

from __future__ import annotations

import pytest

from medvirk.accounts.mfa import is_mfa_exempt, mfa_status
from medvirk.accounts.tests.factories import UserFactory
from medvirk.organizations.roles import MFA_REQUIRED_ROLES, Role
from medvirk.organizations.tests.factories import MembershipFactory


def test_privileged_roles_are_staff_leader_coordinator_and_admin():
    assert set(MFA_REQUIRED_ROLES) == {Role.STAFF, Role.LEADER, Role.COORDINATOR, Role.ADMIN}


@pytest.mark.parametrize("role", sorted(MFA_REQUIRED_ROLES))
def test_privileged_role_requires_mfa(db, role):
    membership = MembershipFactory.create(role=role)
    status = mfa_status(membership.user)
    assert status.required
    assert status.missing


@pytest.mark.parametrize(
    "role",
    [Role.USER, Role.NEXT_OF_KIN, Role.REPRESENTATIVE, Role.EXPERIENCE_CONSULTANT],
)
def test_other_roles_do_not_require_mfa(db, role):
    membership = MembershipFactory.create(role=role)
    assert not mfa_status(membership.user).required


def test_one_privileged_role_among_others_is_enough(db):
    membership = MembershipFactory.create(role=Role.USER)
    MembershipFactory.create(user=membership.user, role=Role.LEADER)
    assert mfa_status(membership.user).required


def test_superuser_requires_mfa_without_any_membership(db):
    assert mfa_status(UserFactory.create(is_superuser=True)).required


def test_status_answers_in_one_query(db, django_assert_num_queries):
    user = MembershipFactory.create(role=Role.STAFF).user
    with django_assert_num_queries(1):
        mfa_status(user)


def test_demo_account_is_exempt_only_in_demo_mode(db, settings):
    user = MembershipFactory.create(role=Role.ADMIN, user__is_demo=True).user
    settings.DEMO_MODE = True
    assert is_mfa_exempt(user)
    assert not mfa_status(user).required
    settings.DEMO_MODE = False
    assert not is_mfa_exempt(user)
    assert mfa_status(user).missing


def test_demo_mode_does_not_exempt_real_accounts(db, settings):
    settings.DEMO_MODE = True
    user = MembershipFactory.create(role=Role.ADMIN).user
    assert mfa_status(user).missing
