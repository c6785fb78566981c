"""Who may do what, per role."""

import pytest

from medvirk.organizations.permissions import POLICY, Action, roles_allow
from medvirk.organizations.roles import Role


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.USER, Action.VIEW_UNITS, True),
        (Role.USER, Action.MANAGE_UNITS, False),
        (Role.STAFF, Action.VIEW_MEMBERS, False),
        (Role.LEADER, Action.VIEW_MEMBERS, True),
        (Role.COORDINATOR, Action.MANAGE_UNITS, True),
        (Role.COORDINATOR, Action.VIEW_ACCESS_LOG, False),
        (Role.ADMIN, Action.VIEW_ACCESS_LOG, True),
        (Role.ADMIN, Action.MANAGE_MEMBERS, True),
        (Role.NEXT_OF_KIN, Action.VIEW_MEMBERS, False),
    ],
)
def test_policy(role, action, allowed):
    assert roles_allow({role}, action) is allowed


def test_every_action_has_a_policy():
    assert set(POLICY) == set(Action)
