"""Who is asking, and what each role may do. Pure data: no database, no HTTP."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    """Roles held in estates. ``ADMIN`` is not granted per estate: administrators are users
    flagged ``is_admin`` and hold it everywhere."""

    STEWARD = "steward"  # 红色管家: records households, payments, claims; prepares disclosures
    COMMITTEE = "committee"  # 业委会: approves payouts, schedules, disclosures
    COUNCIL = "council"  # 理事会 (7+X): decides autonomy-fund projects
    SUPERVISOR = "supervisor"  # 社区/街道: reads every estate of its community, signs off
    ADMIN = "admin"  # operator of the installation: estates, users, memberships


class Action(enum.StrEnum):
    """What a request does to an estate. Routes declare one; roles grant a set."""

    READ = "read"  # staff reading (includes personal data such as owner names)
    RECORD = "record"  # steward's writes: households, payments, claims, work orders
    APPROVE = "approve"  # committee/council decisions
    SIGN_OFF = "sign_off"  # supervisor's sign-off
    ADMINISTER = "administer"  # estate settings, memberships, imports
    AUDIT = "audit"  # reading the estate's audit log (overseers, not the steward overseen)


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.STEWARD: frozenset({Action.READ, Action.RECORD}),
    Role.COMMITTEE: frozenset({Action.READ, Action.APPROVE, Action.AUDIT}),
    Role.COUNCIL: frozenset({Action.READ, Action.APPROVE, Action.AUDIT}),
    Role.SUPERVISOR: frozenset({Action.READ, Action.SIGN_OFF, Action.AUDIT}),
    Role.ADMIN: frozenset(Action),
}


@dataclass(frozen=True)
class Membership:
    """A role held in one estate; a supervisor's membership may instead name a community,
    covering every estate whose ``community`` equals it."""

    role: Role
    estate_id: int | None = None
    community: str | None = None


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    is_admin: bool = False
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    via_token: bool = False

    def roles_for(self, estate_id: int, community: str) -> set[Role]:
        """Roles this person holds in the estate with ``estate_id`` in ``community``."""
        roles = {
            m.role
            for m in self.memberships
            if m.estate_id == estate_id or (m.community is not None and m.community == community)
        }
        if self.is_admin:
            roles.add(Role.ADMIN)
        return roles

    def may(self, action: Action, estate_id: int, community: str) -> bool:
        return any(action in ROLE_ACTIONS[r] for r in self.roles_for(estate_id, community))
