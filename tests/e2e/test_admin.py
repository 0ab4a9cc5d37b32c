"""The administrator: an estate, a user with a role, and a household import whose bad row is
shown in a table (and nothing imported until the file is right). Then signing out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.seed import seed_estate, seed_people
from trustfund.db.models.auth import Membership, User
from trustfund.db.models.estates import Estate, Household

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parents[1] / "data"


def _households(server: LiveServer, slug: str) -> int:
    with server.session() as s:
        estate_id = s.scalar(select(Estate.id).where(Estate.slug == slug))
        return (
            s.scalar(
                select(func.count()).select_from(Household).where(Household.estate_id == estate_id)
            )
            or 0
        )


def test_admin_creates_an_estate_and_a_steward_and_imports_households(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    sign_in(phone, server, "admin")
    expect(phone.locator("main")).to_contain_text("系统管理")
    shoot(phone, server, "staff-home-admin")

    # an estate: a bad slug comes back with the reason in Chinese, the name kept
    phone.click("a[href='/admin/estates']")
    phone.fill("#f-name", "望春里小区")
    phone.fill("#f-slug", "Wang Chun")
    phone.fill("#f-community", "月湖社区")
    phone.click("button:has-text('新建小区')")
    expect(phone.locator("#e-slug")).to_contain_text("小写英文字母")
    expect(phone.locator("#f-name")).to_have_value("望春里小区")
    expect(phone.locator("#f-community")).to_have_value("月湖社区")
    shoot(phone, server, "admin-estates-error")
    phone.fill("#f-slug", "wangchun")
    phone.click("button:has-text('新建小区')")
    expect(phone.locator("table")).to_contain_text("望春里小区")

    # a user: a short password is refused next to the field; the rest is kept
    phone.goto(server.url + "/admin/users")
    phone.fill("#f-display_name", "李明")
    phone.fill("#f-username", "liming")
    phone.fill("#f-password", "short")
    phone.click("button:has-text('新建用户')")
    expect(phone.locator("#e-password")).to_contain_text("至少 8 个字符")
    expect(phone.locator("#f-username")).to_have_value("liming")
    expect(phone.locator("#f-display_name")).to_have_value("李明")
    phone.fill("#f-password", "a long enough password")
    phone.click("button:has-text('新建用户')")
    phone.wait_for_url(re.compile(r"/admin/users/\d+$"))
    expect(phone.locator("h1")).to_contain_text("李明")
    # a role without an estate is refused; then granted
    phone.select_option("#f-role", "steward")
    phone.click("button:has-text('授予')")
    expect(phone.locator("#e-estate")).to_contain_text("请选择小区")
    phone.select_option("#f-role", "steward")
    phone.select_option("#f-estate", "wangchun")
    phone.click("button:has-text('授予')")
    expect(phone.locator("table.memberships")).to_contain_text("红色管家")
    expect(phone.locator("table.memberships")).to_contain_text("wangchun")
    shoot(phone, server, "admin-user")
    with server.session() as s:
        user = s.scalar(select(User).where(User.username == "liming"))
        assert user is not None and user.display_name == "李明"
        roles = s.execute(
            select(Membership.role, Estate.slug)
            .join(Estate, Estate.id == Membership.estate_id)
            .where(Membership.user_id == user.id)
        ).all()
        assert [tuple(r) for r in roles] == [("steward", "wangchun")]

    # households: a file with a bad row 618 is refused whole, the row shown in a table
    phone.goto(server.url + "/staff/wangchun/import")
    phone.set_input_files("#f-file", str(DATA / "households_1000_bad_row_618.csv"))
    phone.click("button:has-text('导入')")
    expect(phone.locator("[role=alert]")).to_contain_text("1 行有错误，没有导入任何住户")
    rows = phone.locator("table.row-errors tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("618")
    expect(rows.first).to_contain_text("状态")
    expect(rows.first).to_contain_text("住着")
    shoot(phone, server, "admin-import-errors")
    assert _households(server, "wangchun") == 0

    phone.set_input_files("#f-file", str(DATA / "households_1000.csv"))
    phone.click("button:has-text('导入')")
    expect(phone.locator("[role=status]")).to_contain_text("新增 1000 户")
    assert _households(server, "wangchun") == 1000

    # the new steward signs in and lands on the estate
    phone.click("header button:has-text('退出')")
    phone.wait_for_url(server.url + "/login")
    sign_in(phone, server, "liming", "a long enough password")
    expect(phone.locator("section.estate")).to_contain_text("望春里小区")


def test_signed_out_pages_ask_for_sign_in_and_return_after_it(
    live_server: LiveServer, phone: Page
) -> None:
    server = live_server
    with server.session() as s:
        world = seed_estate(s)
        seed_people(s, world)
    response = phone.goto(f"{server.url}/staff/{world.slug}/arrears")
    assert response is not None and response.status == 401
    expect(phone.locator("h1")).to_have_text("请先登录")
    shoot(phone, server, "signed-out")
    phone.click("main a:has-text('登录')")
    phone.fill("#username", "steward")
    phone.fill("#password", "wrong password")
    phone.click("button[type=submit]")
    expect(phone.locator("[role=alert]")).to_contain_text("用户名或密码不正确")
    expect(phone.locator("#username")).to_have_value("steward")
    from tests.factories import PASSWORD

    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{server.url}/staff/{world.slug}/arrears")
    expect(phone.locator("h1")).to_contain_text("欠费")

    # another estate's pages do not exist for this steward
    response = phone.goto(f"{server.url}/staff/nowhere/households")
    assert response is not None and response.status == 404
    # admin pages are refused
    response = phone.goto(f"{server.url}/admin/users")
    assert response is not None and response.status == 403
    expect(phone.locator("h1")).to_have_text("没有权限")

    phone.click("header button:has-text('退出')")
    phone.wait_for_url(server.url + "/login")
    response = phone.goto(f"{server.url}/staff")
    assert response is not None and response.status == 401
