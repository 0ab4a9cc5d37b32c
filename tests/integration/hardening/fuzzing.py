"""Schemathesis over the app's own OpenAPI document, in process, as every kind of caller.

The world is the access matrix's (``test_access_matrix._build_world``): estates ``own`` and
``other`` with one of every seeded object, plus a fee year in ``own`` (schedule approved,
charges issued, one payment). Each operation is fuzzed as each caller (anonymous, steward,
committee, council, supervisor, admin by API token):

- positive cases (valid by the schema), half of them with the path naming real rows of the
  ``own`` estate (so requests get past access control and the 404 of unknown ids), half with
  whatever schemathesis generates;
- negative cases (bodies, queries and headers that violate the schema) on real paths, half
  as many examples as positive ones.

Every response is checked with ``not_a_server_error``, ``status_code_conformance``,
``content_type_conformance`` and ``response_schema_conformance``. Error statuses are
documented on every operation as problem details (``trustfund.app.document_problems``), so
status and schema conformance apply to 4xx answers too.

Requests go through Litestar's ``TestClient`` (the same app, database and lifespan as the
other HTTP tests); schemathesis serialises each case and validates each response.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import hypothesis.strategies as st
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import auth_headers
from tests.integration.fees.helpers import approved_schedule
from tests.integration.test_access_matrix import (
    PARAM,
    Actor,
    EstateRef,
    _build_world,
    _heal,
    _values,
)
from trustfund.db.models.estates import Household
from trustfund.db.session import make_session_factory
from trustfund.fees.charges import issue_charges
from trustfund.fees.payments import record_payment
from trustfund.fees.schemas import PaymentIn
from trustfund.journal.service import open_books

ROLES = ("anonymous", "steward", "committee", "council", "supervisor", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    seconds: float = 0.0
    #: of which waiting for the app (the rest is generating cases and checking responses)
    app_seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    by_role: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"fuzz: {self.requests} requests over {self.operations} operations × "
            f"{len(self.by_role)} callers in {self.seconds:.1f} s ({self.app_seconds:.1f} s in the app); "
            f"{len(self.failures)} failures; statuses {dict(sorted(self.statuses.items()))}"
        )


def examples_per_case() -> int:
    """Examples per operation, caller and mode: small in the suite, more when asked
    (``TRUSTFUND_FUZZ_EXAMPLES=50``)."""
    return int(os.environ.get("TRUSTFUND_FUZZ_EXAMPLES", "2"))


def _seed_fees(session: Session, estate_id: int) -> None:
    """Books opened, an approved 2026 schedule, charges issued and one payment."""
    open_books(session, estate_id, on=date(2024, 1, 1))
    session.commit()
    approved_schedule(session, estate_id, 2026)
    session.commit()
    issue_charges(session, estate_id, 2026)
    session.commit()
    code = session.scalars(
        select(Household.code).where(Household.estate_id == estate_id).order_by(Household.id)
    ).first()
    assert code is not None
    record_payment(
        session,
        estate_id,
        PaymentIn(
            method="cash",
            amount="50.00",
            paid_on=date(2026, 3, 1),
            allocations=[{"household_code": code, "fee_year": 2026, "amount": "50.00"}],  # type: ignore[list-item]
        ),
        actor_user_id=None,
        idempotency_key="fuzz-seed",
    )


def _path_values(session: Session, path: str, estates: dict[str, EstateRef]) -> dict[str, Any]:
    """Real values for the path parameters of ``path`` (the ``own`` estate's rows)."""
    found: dict[str, Any] = {}
    for name, kind in PARAM.findall(path.replace("{", "{").replace("}", ":str}")):
        del kind
        if name == "estate_slug":
            found[name] = estates["own"].slug
            continue
        options = _values(session, path, name, "str", estates)
        found[name] = options.get("own", next(iter(options.values())))
    return found


def _text_or_bytes(value: Any) -> str | bytes:
    return value if isinstance(value, str | bytes) else str(value)


def _send(client: TestClient[Litestar], case: schemathesis.Case, headers: dict[str, str]) -> Any:
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": kwargs.get("headers"),
        "params": kwargs.get("params"),
    }
    if kwargs.get("cookies"):  # per-request cookies are deprecated in httpx: send the header
        cookie = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items())
        request["headers"] = {**(request["headers"] or {}), "Cookie": cookie}
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    data = kwargs.get("data")
    if isinstance(data, bytes | str):
        request["content"] = data
    elif data is not None:
        request["data"] = data
    if kwargs.get("files"):  # form fields of any JSON type: httpx wants text or bytes
        request["files"] = [
            (name, (part[0], _text_or_bytes(part[1]), *part[2:])) for name, part in kwargs["files"]
        ]
    response = client.request(**request)
    response.request.read()  # multipart bodies are streams; schemathesis reads the request
    return response


def _checker(
    client: TestClient[Litestar],
    actor: Actor,
    report: FuzzReport,
    factory: Any,
    actors: dict[str, Actor],
) -> Any:
    def check(case: schemathesis.Case) -> None:
        headers = auth_headers(actor.token) if actor.token else {}
        started = time.perf_counter()
        response = _send(client, case, headers)
        report.app_seconds += time.perf_counter() - started
        report.requests += 1
        report.by_role[actor.role] += 1
        report.statuses[response.status_code] += 1
        if case.method.upper() in UNSAFE and response.status_code < 400:
            _heal(factory, actors)  # a write may have revoked a caller's token or role
        case.validate_response(response, checks=CHECKS)

    return check


def fuzz(
    client: TestClient[Litestar],
    engine: Engine,
    session: Session,
    *,
    roles: tuple[str, ...] = ROLES,
    max_examples: int | None = None,
) -> FuzzReport:
    """Fuzz every operation of the app's OpenAPI document; return what happened."""
    max_examples = max_examples or examples_per_case()
    estates, actors = _build_world(session)
    _seed_fees(session, estates["own"].id)
    spec = client.get("/schema/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    fixed = {op.path: _path_values(session, op.path, estates) for op in operations}
    session.rollback()  # hold no SQLite lock while the app runs
    factory = make_session_factory(engine)
    report = FuzzReport(operations=len(operations))
    started = time.perf_counter()

    for role in roles:
        actor: Actor = actors[role]
        for op in operations:
            if op.path.startswith("/schema"):
                continue  # the documentation itself: static pages
            real = fixed[op.path]
            strategies = {
                "positive": st.one_of(op.as_strategy(path_parameters=real), op.as_strategy()),
                "negative": op.as_strategy(GenerationMode.NEGATIVE, path_parameters=real)
                if op.path_parameters or op.query or op.headers or op.body
                else None,
            }
            for mode, strategy in strategies.items():
                if strategy is None:
                    continue

                run = given(case=strategy)(
                    settings(
                        # negative cases are mostly refused early: half as many
                        max_examples=max_examples
                        if mode == "positive"
                        else max(1, max_examples // 2),
                        deadline=None,
                        database=None,
                        derandomize=True,
                        suppress_health_check=list(HealthCheck),
                        phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    )(_checker(client, actor, report, factory, actors))
                )
                try:
                    run()
                except (
                    Exception,
                    BaseExceptionGroup,
                ) as exc:  # collected: one report for the whole run
                    text = str(exc).strip().replace("\n\n", "\n")
                    report.failures.append(
                        f"[{role} {mode}] {op.method.upper()} {op.path}\n{text[:1500]}"
                    )
    report.seconds = time.perf_counter() - started
    return report
