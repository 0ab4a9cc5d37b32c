"""Lifting a published month's lock on a 375 px phone: a committee member proposes it on the
disclosures page (a missing reason is named next to the field), cannot approve it herself,
two other members approve it in their inbox (one is not a majority of three), and residents
read the lift and its reason on the estate's public pages. Every page is checked for
horizontal overflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.e2e.conftest import LiveServer, shoot, sign_in, widths
from tests.e2e.seed import seed_estate, seed_people
from tests.factories import make_user
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Role
from trustfund.db.models.auth import User
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import PeriodLock
from trustfund.disclosure import publication
from trustfund.settings import Settings

pytestmark = pytest.mark.e2e
PHONE_375 = {"width": 375, "height": 812}
REASON = "1月的电费发票金额录错，须更正"


@pytest.fixture
def phone375(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    return context.new_page()


def _look(page: Page, server: LiveServer, name: str) -> None:
    """Nothing wider than the 375 px screen; screenshots for review (SQLite run)."""
    width, inner = widths(page)
    assert width <= inner, f"{page.url}: {width} px wide on a {inner} px screen"
    shoot(page, server, f"lock-lift-{name}", phone=PHONE_375)


def _sign_out(page: Page) -> None:
    page.click("header button:has-text('退出')")


def _publish_january(server: LiveServer, slug: str, tmp_path: Path) -> int:
    """The steward's January disclosure, approved by committee1 and published (the pages of
    that workflow are tested in test_disclosure.py): January is locked."""
    settings = Settings(
        var_dir=tmp_path / "var",
        database_url="sqlite://",
        ledger_dir=tmp_path / "ledgers",
        secret_key="e2e-secret-key-not-for-production",
        public_url=server.url,
    )
    with server.session() as s:
        estate = s.scalars(select(Estate).where(Estate.slug == slug)).one()
        make_user(s, Role.COMMITTEE, estate, username="committee3")
        ids = {u.username: u.id for u in s.scalars(select(User))}
        version = publication.submit(s, estate, period="2026-01", submitted_by=ids["steward"])
        member = load_principal(s, ids["committee1"])
        assert member is not None
        publication.decide(s, estate, version.id, principal=member, decision="approve", reason=None)
        publication.publish(s, settings, estate, version.id, published_by=ids["steward"])
        s.commit()
        return version.id


def test_a_committee_majority_lifts_a_published_month(
    live_server: LiveServer, phone375: Page, tmp_path: Path
) -> None:
    server, page = live_server, phone375
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    version_id = _publish_january(server, world.slug, tmp_path)

    sign_in(page, server, "committee1")
    page.goto(f"{server.url}/staff/{world.slug}/disclosures")
    locks = page.locator("section.locks")
    expect(locks).to_contain_text("2026年1月")
    expect(locks).to_contain_text("锁定中")
    page.click("section.locks button:has-text('申请解锁')")
    expect(page.locator("section.locks [role=alert]")).to_contain_text("必须更正（必填")
    _look(page, server, "reason-missing")
    page.fill("section.locks input[name=reason]", REASON)
    page.click("section.locks button:has-text('申请解锁')")
    expect(page.locator("[role=status]")).to_contain_text("过半数")
    expect(locks).to_contain_text("解锁待批准")
    expect(locks).to_contain_text("0/2")
    expect(locks.locator("a:has-text('去审批')")).to_have_count(0)  # not for the proposer
    _look(page, server, "proposed")
    # her own proposal is not in her inbox: the proposer cannot decide
    page.goto(f"{server.url}/staff/{world.slug}/approvals")
    expect(page.locator("main")).not_to_contain_text("账期解锁")
    _sign_out(page)

    sign_in(page, server, "committee2")
    page.goto(f"{server.url}/staff/{world.slug}/approvals")
    card = page.locator("a.approval-card:has-text('账期解锁')")
    expect(card).to_contain_text(REASON)
    _look(page, server, "inbox")
    card.click()
    expect(page.locator("h1")).to_contain_text("账期解锁（更正）")
    expect(page.locator("main")).to_contain_text("2026年1月")
    _look(page, server, "approval")
    page.click("button[value=approve]")
    expect(page.locator("[role=status]")).to_contain_text("待审批")  # one of three: not yet
    _sign_out(page)
    with server.session() as s:
        assert s.scalars(select(PeriodLock.lifted_at)).one() is None

    sign_in(page, server, "committee3")
    page.goto(f"{server.url}/staff/{world.slug}/approvals")
    page.click("a.approval-card:has-text('账期解锁')")
    page.click("button[value=approve]")
    expect(page.locator("[role=status]")).to_contain_text("已批准")
    page.goto(f"{server.url}/staff/{world.slug}/disclosures")
    expect(page.locator("section.locks")).to_contain_text("已解锁")
    _look(page, server, "lifted")
    _sign_out(page)

    page.goto(f"{server.url}/e/{world.slug}")
    expect(page.locator("main")).to_contain_text("更正：2026年1月账期已于")
    expect(page.locator("main")).to_contain_text("经业委会过半数同意解锁")
    expect(page.locator("main")).to_contain_text(REASON)
    _look(page, server, "public-list")
    page.goto(f"{server.url}/e/{world.slug}/d/{version_id}")
    expect(page.locator("main")).to_contain_text(REASON)
    _look(page, server, "public-page")

    # the community's supervisor sees the month is open until the correction is published
    sign_in(page, server, "supervisor")
    page.goto(f"{server.url}/supervisor")
    expect(page.locator("main")).to_contain_text("2026年1月 已于")
    expect(page.locator("main")).to_contain_text("更正版尚未公示")
    _look(page, server, "supervisor")
