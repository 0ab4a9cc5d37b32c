from __future__ import annotations

from litestar import get, post
from litestar.status_codes import HTTP_303_SEE_OTHER

from trustfund.api.access import estate_route
from trustfund.auth.principal import Action


def test_estate_route_declares_the_guards_action_and_runs_in_a_thread() -> None:
    @estate_route(get, "/{estate_slug:str}/things", Action.READ)
    def things() -> None: ...

    assert things.opt == {"access": "estate", "estate_action": Action.READ}
    assert things.sync_to_thread is True
    assert things.http_methods == {"GET"}
    assert things.paths == {"/{estate_slug:str}/things"}


def test_estate_route_names_its_audit_action_next_to_the_guards_action() -> None:
    @estate_route(
        post,
        "/{estate_slug:str}/things",
        Action.RECORD,
        audit_action="web.record_thing",
        status_code=HTTP_303_SEE_OTHER,
    )
    def record_thing() -> None: ...

    assert record_thing.opt == {
        "access": "estate",
        "estate_action": Action.RECORD,
        "audit_action": "web.record_thing",
    }
    assert record_thing.status_code == HTTP_303_SEE_OTHER
    assert record_thing.sync_to_thread is True
