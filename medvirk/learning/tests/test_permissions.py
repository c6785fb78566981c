"""Who may learn, manage learning and read its reports."""

from __future__ import annotations

import pytest

from medvirk.organizations.permissions import Action, roles_allow
from medvirk.organizations.roles import Role


@pytest.mark.parametrize("role", list(Role))
def test_everyone_may_learn(role):
    assert roles_allow({role}, Action.VIEW_LEARNING)


@pytest.mark.parametrize(
    ("role", "manage", "reports"),
    [
        (Role.USER, False, False),
        (Role.NEXT_OF_KIN, False, False),
        (Role.STAFF, False, False),
        (Role.REPRESENTATIVE, False, False),
        (Role.EXPERIENCE_CONSULTANT, False, False),
        (Role.LEADER, False, True),
        (Role.COORDINATOR, True, True),
        (Role.ADMIN, True, True),
    ],
)
def test_managing_and_reports(role, manage, reports):
    assert roles_allow({role}, Action.MANAGE_LEARNING) is manage
    assert roles_allow({role}, Action.VIEW_LEARNING_REPORTS) is reports
