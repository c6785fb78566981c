"""What each role may do. The one place role checks live.

Views, templates and other apps ask ``can(context, Action.X)`` instead of
testing role names, so that changing who may do what is one edit here.
"""

from __future__ import annotations

from enum import StrEnum

from medvirk.organizations.roles import Role


class Action(StrEnum):
    VIEW_ORGANIZATION = "view_organization"
    VIEW_UNITS = "view_units"
    MANAGE_UNITS = "manage_units"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    VIEW_ACCESS_LOG = "view_access_log"
    VIEW_LEARNING = "view_learning"
    MANAGE_LEARNING = "manage_learning"
    VIEW_LEARNING_REPORTS = "view_learning_reports"
    ANSWER_QUESTIONNAIRES = "answer_questionnaires"
    VIEW_QUESTIONNAIRES = "view_questionnaires"
    MANAGE_QUESTIONNAIRES = "manage_questionnaires"
    VIEW_RESPONSES = "view_responses"
    VIEW_COUNCILS = "view_councils"
    MANAGE_COUNCILS = "manage_councils"
    VIEW_CONSULTATIONS = "view_consultations"
    MANAGE_CONSULTATIONS = "manage_consultations"
    MANAGE_SURVEYS = "manage_surveys"
    VIEW_SURVEY_RESULTS = "view_survey_results"
    SUBMIT_PROPOSALS = "submit_proposals"
    MANAGE_PROPOSALS = "manage_proposals"
    ACT_AS_REPRESENTATIVE = "act_as_representative"
    MANAGE_REPRESENTATIVES = "manage_representatives"
    VIEW_REPRESENTATIVE_LOAD = "view_representative_load"
    MANAGE_HONORARIUM = "manage_honorarium"
    FOLLOW_USERS = "follow_users"
    BE_ON_CARE_TEAM = "be_on_care_team"
    ORGANISE_CARE_TEAMS = "organise_care_teams"
    HAVE_OWN_CARE = "have_own_care"
    VIEW_SHARED_CARE = "view_shared_care"


ALL_ROLES = frozenset(Role)
STAFF_SIDE = frozenset(
    {Role.STAFF, Role.LEADER, Role.COORDINATOR, Role.ADMIN, Role.EXPERIENCE_CONSULTANT}
)

POLICY: dict[Action, frozenset[str]] = {
    Action.VIEW_ORGANIZATION: ALL_ROLES,
    Action.VIEW_UNITS: ALL_ROLES,
    Action.MANAGE_UNITS: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Action.VIEW_MEMBERS: frozenset({Role.LEADER, Role.COORDINATOR, Role.ADMIN}),
    Action.MANAGE_MEMBERS: frozenset({Role.ADMIN}),
    Action.VIEW_ACCESS_LOG: frozenset({Role.ADMIN}),
    # Everyone learns; coordinators run the curriculum; leaders follow completion.
    Action.VIEW_LEARNING: ALL_ROLES,
    Action.MANAGE_LEARNING: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Action.VIEW_LEARNING_REPORTS: frozenset({Role.LEADER, Role.COORDINATOR, Role.ADMIN}),
    # Members answer the organisation's active forms; staff see the forms and
    # preview them; coordinators import and publish them. Individual answers
    # are health data: only coordinators and admins read them here (each read
    # is logged) — the care team reads its users' answers in the individual
    # level, leaders see aggregates only.
    Action.ANSWER_QUESTIONNAIRES: ALL_ROLES,
    Action.VIEW_QUESTIONNAIRES: STAFF_SIDE,
    Action.MANAGE_QUESTIONNAIRES: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Action.VIEW_RESPONSES: frozenset({Role.COORDINATOR, Role.ADMIN}),
    # System level: everyone sees the councils and consultations they may see
    # (each council's visibility and membership decide the rest); coordinators
    # and admins run them.
    Action.VIEW_COUNCILS: ALL_ROLES,
    Action.MANAGE_COUNCILS: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Action.VIEW_CONSULTATIONS: ALL_ROLES,
    Action.MANAGE_CONSULTATIONS: frozenset({Role.COORDINATOR, Role.ADMIN}),
    # Service level: coordinators run surveys and triage proposals; leaders and
    # staff read survey results (aggregates, small groups suppressed); every
    # member may propose (anyone may, anonymously, on the public page).
    Action.MANAGE_SURVEYS: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Action.VIEW_SURVEY_RESULTS: STAFF_SIDE | {Role.REPRESENTATIVE},
    Action.SUBMIT_PROPOSALS: ALL_ROLES,
    Action.MANAGE_PROPOSALS: frozenset({Role.COORDINATOR, Role.ADMIN}),
    # Representatives and experience consultants keep their own registry profile,
    # answer invitations and (representatives) claim honorarium; coordinators search
    # the registry, recruit, approve claims and export them for payroll; leaders
    # follow the load and the gaps.
    Action.ACT_AS_REPRESENTATIVE: frozenset({Role.REPRESENTATIVE, Role.EXPERIENCE_CONSULTANT}),
    Action.MANAGE_REPRESENTATIVES: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Action.VIEW_REPRESENTATIVE_LOAD: frozenset({Role.LEADER, Role.COORDINATOR, Role.ADMIN}),
    Action.MANAGE_HONORARIUM: frozenset({Role.COORDINATOR, Role.ADMIN}),
    # Individual level: staff start courses of care and form care teams (each one
    # sees only the people whose team they are on); coordinators organise teams
    # too. Users see their own data and decide which next of kin see what. Leaders
    # see aggregates only; admins have no access to individual data.
    Action.FOLLOW_USERS: frozenset({Role.STAFF, Role.COORDINATOR}),
    Action.BE_ON_CARE_TEAM: frozenset({Role.STAFF}),
    Action.ORGANISE_CARE_TEAMS: frozenset({Role.COORDINATOR}),
    Action.HAVE_OWN_CARE: frozenset({Role.USER}),
    Action.VIEW_SHARED_CARE: frozenset({Role.NEXT_OF_KIN}),
}


def roles_allow(roles: frozenset[str] | set[str], action: Action) -> bool:
    return bool(POLICY[action] & set(roles))
