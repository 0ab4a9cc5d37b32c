"""Pages still work under the Content-Security-Policy (issue 14, item 10): the API docs
(Swagger UI, started from a script file), the sign-in page, the public pages and the staff
search with htmx — with no part of any of them refused by the policy (the ``phone`` fixture
fails the test on any refusal Chromium reports)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.seed import seed_estate, seed_people

pytestmark = pytest.mark.e2e


def test_docs_sign_in_public_and_htmx_pages_work_under_the_policy(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)

    docs = phone.goto(f"{server.url}/schema/swagger")
    assert docs is not None
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    expect(phone.locator(".swagger-ui .info .title")).to_contain_text("trustfund")
    expect(phone.locator(".opblock").first).to_be_visible()

    for path in ("/", f"/e/{world.slug}", f"/e/{world.slug}/verify"):
        response = phone.goto(server.url + path)
        assert response is not None and response.status == 200, path
        assert response.headers["x-frame-options"] == "DENY"
        # the page's own stylesheet applied (an inline <style> refused would leave it plain)
        background = phone.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)", path

    sign_in(phone, server, "steward")
    phone.goto(f"{server.url}/staff/{world.slug}/households")
    phone.fill("input[name=q]", "302")
    expect(phone.locator("#results")).to_contain_text("3幢2单元 302")
