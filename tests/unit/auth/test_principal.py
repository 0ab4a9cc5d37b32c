from __future__ import annotations

from trustfund.auth.principal import ROLE_ACTIONS, Action, Membership, Principal, Role


def _principal(*memberships: Membership, admin: bool = False) -> Principal:
    return Principal(1, "u", "U", is_admin=admin, memberships=memberships)


def test_estate_roles_apply_to_that_estate_only() -> None:
    steward = _principal(Membership(Role.STEWARD, estate_id=1))
    assert steward.roles_for(1, "c") == {Role.STEWARD}
    assert steward.roles_for(2, "c") == set()
    assert steward.may(Action.RECORD, 1, "c")
    assert not steward.may(Action.RECORD, 2, "c")
    assert not steward.may(Action.APPROVE, 1, "c")
    assert not steward.may(Action.AUDIT, 1, "c")


def test_supervisor_covers_every_estate_of_the_community() -> None:
    supervisor = _principal(Membership(Role.SUPERVISOR, community="东湖社区"))
    assert supervisor.may(Action.READ, 1, "东湖社区")
    assert supervisor.may(Action.SIGN_OFF, 7, "东湖社区")
    assert supervisor.may(Action.AUDIT, 7, "东湖社区")
    assert not supervisor.may(Action.READ, 8, "西湖社区")
    assert not supervisor.may(Action.RECORD, 1, "东湖社区")


def test_admin_may_everything_everywhere() -> None:
    admin = _principal(admin=True)
    assert all(admin.may(action, 99, "") for action in Action)


def test_overseers_read_the_audit_log_the_steward_does_not() -> None:
    readers = {role for role, actions in ROLE_ACTIONS.items() if Action.AUDIT in actions}
    assert readers == {Role.COMMITTEE, Role.COUNCIL, Role.SUPERVISOR, Role.ADMIN}


def test_the_policy_table() -> None:
    """Who may do what, spelled out: changing the policy must change this test too."""
    table = {role: {a.value for a in actions} for role, actions in ROLE_ACTIONS.items()}
    assert table == {
        Role.STEWARD: {"read", "record"},
        Role.COMMITTEE: {"read", "approve", "audit"},
        Role.COUNCIL: {"read", "approve", "audit"},
        Role.SUPERVISOR: {"read", "sign_off", "audit"},
        Role.ADMIN: {a.value for a in Action},
    }
