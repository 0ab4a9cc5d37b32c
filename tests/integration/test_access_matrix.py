"""Every route × every role × own/other estate: no unauthorized success, every refusal audited.

Nothing here lists routes or results by hand. The routes come from the app; what each
caller may do comes from the route's declared ``opt`` (``trustfund.api.access``) and the
caller's memberships as stored at that moment; path parameters are filled with real rows of
either estate (the row type is guessed from the path segment before the parameter, e.g.
``/households/{code:str}`` → ``households.code``). Routes added later are covered without
touching this file; seed one row of each new kind of object in ``tests.factories.MATRIX_SEEDERS``
so their ids resolve.

Checked for every request of a non-public route:

- a caller who may not use the route (by its ``opt``, the role the matrix granted and the
  policy table ``ROLE_ACTIONS``) gets 401 (anonymous), 404 (an estate they hold no role
  in) or 403 (anything else), and exactly one ``denied`` audit record names that request;
- a caller who may use it is not refused by access control (no ``denied`` record, no 401);
- through their own estate's path, ids and codes of the other estate never answer 2xx;
- nothing answers 5xx.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import MATRIX_SEEDERS, auth_headers, make_estate, make_user
from trustfund.auth.principal import ROLE_ACTIONS, Action, Role
from trustfund.auth.tokens import issue_token
from trustfund.auth.users import grant_membership
from trustfund.db.models import Base
from trustfund.db.models.auth import ApiToken, AuditRecord, User
from trustfund.db.session import make_session_factory

ROLES = ("anonymous", "steward", "committee", "council", "supervisor", "admin")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"\{(\w+):(\w+)\}")


@dataclass
class Actor:
    role: str
    user_id: int | None = None
    token: str | None = None
    estate_id: int | None = None
    community: str | None = None


@dataclass(frozen=True)
class EstateRef:
    id: int
    slug: str
    community: str


@dataclass
class Call:
    handler: HTTPRouteHandler
    method: str
    path: str
    #: Which estate the path's slug names ("own"/"other"), if any.
    slug_estate: str | None
    #: Which estate the other path values come from ("own"/"other"), if any is estate-bound.
    values_estate: str | None


@dataclass
class Findings:
    violations: list[str] = field(default_factory=list)
    requests: int = 0
    refusals: int = 0
    audited_refusals: int = 0
    cross_estate_checks: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    handlers: set[str] = field(default_factory=set)


# --- the world ------------------------------------------------------------------------


def _build_world(session: Session) -> tuple[dict[str, EstateRef], dict[str, Actor]]:
    rows = {
        "own": make_estate(session, "own", community="东湖社区"),
        "other": make_estate(session, "other", community="西湖社区"),
    }
    for estate in rows.values():
        for seed in MATRIX_SEEDERS:
            seed(session, estate)
    # somebody with a role in the other estate, so its rows (tokens, memberships) exist too
    make_user(session, Role.STEWARD, rows["other"])
    estates = {k: EstateRef(e.id, e.slug, e.community) for k, e in rows.items()}
    own = estates["own"]
    actors = {"anonymous": Actor("anonymous")}
    for role in ("steward", "committee", "council"):
        user, token = make_user(session, role, own)
        actors[role] = Actor(role, user.id, token, estate_id=own.id)
    user, token = make_user(session, Role.SUPERVISOR, community=own.community)
    actors["supervisor"] = Actor("supervisor", user.id, token, community=own.community)
    user, token = make_user(session, admin=True)
    actors["admin"] = Actor("admin", user.id, token)
    return estates, actors


def _heal(factory: sessionmaker[Session], actors: dict[str, Actor]) -> None:
    """Undo what an allowed write may have done to the callers (revoked their token, took a
    role away, deactivated them), so every request starts from the same callers."""
    with factory() as session:
        for actor in actors.values():
            if actor.user_id is None or actor.token is None:
                continue
            user = session.get(User, actor.user_id)
            assert user is not None, f"matrix user {actor.role} was deleted"
            user.is_active = True
            user.is_admin = actor.role == "admin"
            if actor.role not in ("admin",):
                grant_membership(
                    session,
                    user,
                    actor.role,
                    estate_id=actor.estate_id,
                    community=actor.community,
                )
            live = session.scalar(
                select(func.count())
                .select_from(ApiToken)
                .where(
                    ApiToken.user_id == user.id,
                    ApiToken.revoked_at.is_(None),
                    ApiToken.prefix == actor.token[:8],
                )
            )
            if not live:
                actor.token = issue_token(session, user, "matrix").plain
        session.commit()


# --- routes and their path values -----------------------------------------------------


def _handlers(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            handlers = getattr(route, "route_handlers", [])
            for handler in handlers:
                assert handler.opt.get("access") == "public", (
                    f"{route.path}: non-HTTP routes are not covered by the matrix yet"
                )
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                yield route.path, method, handler


def _tables_for(path: str, name: str) -> list[tuple[Table, str]]:
    """Tables (and the column) a path parameter most likely names."""
    before = path.split("{" + name, 1)[0].rstrip("/").rsplit("/", 1)[-1]
    column = "id" if name == "id" or name.endswith("_id") else name
    tables = Base.metadata.tables.values()
    found = [t for t in tables if t.name == before or t.name.endswith("_" + before)]
    if not found and name.endswith("_id"):
        base = name[:-3]
        plurals = {base + "s", base + "es", base[:-1] + "ies"}
        found = [t for t in tables if t.name in plurals or t.name.endswith("_" + base + "s")]
    if not found and column != "id":
        found = [t for t in tables if column in t.c and "estate_id" in t.c]
    return [(t, column) for t in found if column in t.c]


def _values(
    session: Session, path: str, name: str, kind: str, estates: dict[str, EstateRef]
) -> dict[str, Any]:
    """``{"own": v, "other": w}`` for estate-bound rows, ``{"any": v}`` otherwise."""
    for table, column in _tables_for(path, name):
        col = table.c[column]
        if "estate_id" in table.c:
            own_values = set(
                session.scalars(select(col).where(table.c.estate_id == estates["own"].id))
            )
            found: dict[str, Any] = {}
            own = session.scalar(
                select(col).where(table.c.estate_id == estates["own"].id).order_by(col)
            )
            other = session.scalars(
                select(col).where(table.c.estate_id == estates["other"].id).order_by(col)
            ).all()
            other = [v for v in other if v not in own_values and v != ""]
            if own is not None and own != "":
                found["own"] = own
            if other:
                found["other"] = other[0]
            if found:
                return found
        else:
            value = session.scalar(select(col).order_by(col))
            if value is not None:
                return {"any": value}
    defaults = {"int": 1, "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}
    return {"any": defaults.get(kind, "1")}


def _calls(session: Session, app: Litestar, estates: dict[str, EstateRef]) -> Iterator[Call]:
    for template, method, handler in _handlers(app):
        if handler.opt.get("access") == "public":
            continue
        params = PARAM.findall(template)
        values = {
            name: _values(session, template, name, kind, estates)
            for name, kind in params
            if name != "estate_slug"
        }
        bound = any("own" in v or "other" in v for v in values.values())
        slugs: list[str | None] = (
            ["own", "other"] if any(n == "estate_slug" for n, _ in params) else [None]
        )
        for slug in slugs:
            for side in ["own", "other"] if bound else [None]:
                path = template
                for name, kind in params:
                    if name == "estate_slug":
                        value: Any = estates[slug].slug  # type: ignore[index]
                    else:
                        options = values[name]
                        value = options.get(side or "any", next(iter(options.values())))
                    path = path.replace("{" + f"{name}:{kind}" + "}", str(value))
                yield Call(handler, method, path, slug, side)


# --- expectations ---------------------------------------------------------------------


def _expected_refusal(call: Call, actor: Actor, estates: dict[str, EstateRef]) -> int | None:
    """The status the caller must get, or None if the route is open to them.

    Worked out from the route's ``opt``, the caller's role as the matrix granted it and the
    policy table ``ROLE_ACTIONS`` — not from ``Principal``, the code under test.
    """
    access = call.handler.opt.get("access")
    if actor.user_id is None:
        return 401
    if access == "signed_in":
        return None
    if access == "admin":
        return None if actor.role == "admin" else 403
    if access == "estate":
        declared = call.handler.opt.get("estate_action")
        if call.slug_estate is None or declared not in {a.value for a in Action}:
            return 403
        if actor.role == "admin":
            return None
        estate = estates[call.slug_estate]
        if estate.id != actor.estate_id and estate.community != actor.community:
            return 404
        return None if Action(declared) in ROLE_ACTIONS[Role(actor.role)] else 403
    return 403  # undeclared: closed to everyone


def _new_audit(factory: sessionmaker[Session], after: int) -> list[AuditRecord]:
    with factory() as session:
        return list(
            session.scalars(
                select(AuditRecord).where(AuditRecord.id > after).order_by(AuditRecord.id)
            )
        )


def _walk(
    client: TestClient[Litestar],
    engine: Engine,
    session: Session,
) -> Findings:
    factory = make_session_factory(engine)
    estates, actors = _build_world(session)
    calls = list(_calls(session, client.app, estates))
    session.rollback()  # the test's session must hold no SQLite lock while the app runs
    findings = Findings()
    last_audit = max([r.id for r in _new_audit(factory, 0)], default=0)
    for call in calls:
        for role in ROLES:
            actor = actors[role]
            expected = _expected_refusal(call, actor, estates)
            headers = auth_headers(actor.token) if actor.token else {}
            body = {} if call.method in ("POST", "PUT", "PATCH") else None
            response = client.request(call.method, call.path, headers=headers, json=body)
            status = response.status_code
            records = _new_audit(factory, last_audit)
            if records:
                last_audit = records[-1].id
            denied = [r for r in records if r.outcome == "denied"]
            findings.requests += 1
            findings.statuses[status] += 1
            findings.handlers.add(f"{call.method} {call.handler.paths}")
            where = (
                f"{role:10} {call.method:7} {call.path} (declared {call.handler.opt.get('access')}"
            )
            where += f"/{call.handler.opt.get('estate_action', '-')})"
            if status >= 500:
                findings.violations.append(f"{where}: answered {status}")
            if expected is not None:
                findings.refusals += 1
                if status != expected:
                    findings.violations.append(f"{where}: expected {expected}, got {status}")
                matching = [
                    r
                    for r in denied
                    if (r.method, r.path, r.status_code) == (call.method, call.path, status)
                    and r.user_id == actor.user_id
                ]
                if len(matching) == 1:
                    findings.audited_refusals += 1
                else:
                    findings.violations.append(f"{where}: {len(matching)} denied audit records")
            else:
                if denied or status == 401:
                    findings.violations.append(f"{where}: refused ({status}) though allowed")
                crossing = call.slug_estate == "own" and call.values_estate == "other"
                findings.cross_estate_checks += crossing
                if crossing and status < 400:
                    findings.violations.append(
                        f"{where}: the other estate's object answered {status} via own estate"
                    )
            if call.method in UNSAFE and status < 400:
                _heal(factory, actors)
    return findings


def test_no_route_lets_anyone_past_their_role_and_every_refusal_is_audited(
    client: TestClient[Litestar], engine: Engine, session: Session
) -> None:
    findings = _walk(client, engine, session)
    expected_handlers = {
        f"{method} {handler.paths}"
        for _, method, handler in _handlers(client.app)
        if handler.opt.get("access") != "public"
    }
    assert findings.handlers == expected_handlers
    assert findings.refusals > 0
    assert findings.cross_estate_checks > 0  # the seeded objects were found in path params
    summary = (
        f"access matrix: {findings.requests} requests over {len(findings.handlers)} non-public "
        f"route handlers × {len(ROLES)} roles × own/other estate; {findings.refusals} refusals "
        f"expected, {findings.audited_refusals} refused and audited; "
        f"{findings.cross_estate_checks} allowed requests naming the other estate's objects; "
        f"{len(findings.violations)} violations; statuses {dict(sorted(findings.statuses.items()))}"
    )
    print(summary)
    assert findings.violations == [], "\n".join([summary, *findings.violations])
    assert findings.audited_refusals == findings.refusals
