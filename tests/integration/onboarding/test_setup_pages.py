"""Issue 13 item 5 over HTTP: a new estate set up through the staff pages — the home page's
set-up checklist (建账进度) says what is missing and links to the next step; the steward
proposes the fee schedule on its form (a bad amount named next to its field), a committee
member approves it, the steward issues the charges (开征); the opening balances go through
the books page, are rejected once (the checklist says so), corrected and approved on the
approvals page; until then the household page says plainly why no payment can be taken, and
afterwards it takes the first payment. Everything starts from an empty database; people are
created by the administrator's pages after the installer's ``trustfund user add --admin``."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.onboarding.helpers import (
    HOUSEHOLDS_FILE,
    PASSWORDS,
    Cli,
    installer_creates_admin,
)
from trustfund.settings import Settings


def sign_in(client: TestClient[Litestar], username: str) -> str:
    """Sign in as ``username``; returns the CSRF token the forms carry."""
    client.cookies.clear()
    answer = client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["csrf_token"])


def post_form(
    client: TestClient[Litestar], path: str, csrf: str, **fields: str
) -> tuple[int, str, str]:
    """Submit a staff form; returns (status, Location or '', page text)."""
    answer = client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", ""), answer.text


def step(page: str, name: str) -> str:
    """The text of one checklist step on the staff home page."""
    found = re.search(rf'data-step="{name}">(.*?)</li>', page, re.S)
    assert found, f"no step {name} in the checklist"
    return " ".join(found[1].split())


def admin_sets_up_estate_and_people(client: TestClient[Litestar]) -> None:
    csrf = sign_in(client, "admin")
    status, where, _ = post_form(
        client,
        "/admin/estates",
        csrf,
        slug="lanyuan",
        name="兰苑小区",
        address="兰苑路 8 号",
        community="兰苑社区",
        street_office="西湖街道",
    )
    assert (status, where) == (303, "/admin/estates")
    for username, name, role in (
        ("wangfang", "王芳", "steward"),
        ("lijun", "李军", "committee"),
        ("zhaomin", "赵敏", "committee"),
    ):
        status, where, _ = post_form(
            client,
            "/admin/users",
            csrf,
            username=username,
            display_name=name,
            password=PASSWORDS[username],
        )
        assert status == 303 and where.startswith("/admin/users/"), where
        status, _, text = post_form(
            client, f"{where}/memberships", csrf, role=role, estate="lanyuan"
        )
        assert status == 303, text


def test_staff_pages_take_a_new_estate_to_its_charges(
    settings: Settings, client: TestClient[Litestar]
) -> None:
    installer_creates_admin(Cli.of(settings))
    admin_sets_up_estate_and_people(client)

    # The steward's home page lists every step, none done, with the link to take next.
    csrf = sign_in(client, "wangfang")
    home = client.get("/staff").text
    assert "建账进度" in home
    assert "还没有住户" in step(home, "households")
    assert "账簿未开" in step(home, "opening")

    # households: the steward imports the register on the page the checklist links to
    assert 'href="/staff/lanyuan/import"' in step(home, "households")
    with HOUSEHOLDS_FILE.open("rb") as f:
        imported = client.post(
            "/staff/lanyuan/import",
            data={"csrf_token": csrf},
            files={"file": ("households.csv", f, "text/csv")},
        )
    assert imported.status_code == 200, imported.text
    home = client.get("/staff").text
    assert "住户已导入 20 户" in step(home, "households")
    # with no schedule yet, the checklist is about the estate's current year
    this_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert f'href="/staff/lanyuan/fee-schedules/new?fee_year={this_year}"' in step(home, "schedule")

    # A household page says why nothing can be taken yet instead of offering a form.
    households = client.get("/staff/lanyuan/households?building=1").text
    code = re.search(r'href="/staff/lanyuan/households/(H-[0-9A-Z]+)"', households)
    assert code, households
    household = client.get(f"/staff/lanyuan/households/{code[1]}").text
    assert "还不能收费" in household and "账簿未开" in household
    assert f"还没有 {this_year} 年度收费标准" in household
    assert "收款并开收据" not in household

    # The schedule form: a bad amount is named in Chinese next to its field, nothing saved.
    form = client.get("/staff/lanyuan/fee-schedules/new?fee_year=2025")
    assert form.status_code == 200 and 'value="公共电费"' in form.text
    fields = {
        "fee_year": "2025",
        "vacancy_rule": "percent",
        "vacancy_percent": "50",
        "electricity_name": "公共电费",
        "electricity_amount": "50.00",
        "maintenance_name": "公共设施维护",
        "maintenance_amount": "-90",
        "garbage_name": "生活垃圾清运费",
        "garbage_amount": "60.00",
    }
    status, _, text = post_form(client, "/staff/lanyuan/fee-schedules/new", csrf, **fields)
    assert status == 422
    assert re.search(r'id="e-maintenance_amount"[^>]*>必须大于零', text), text
    assert client.get("/staff/lanyuan/fee-schedules/2025").status_code == 404
    status, _, text = post_form(
        client, "/staff/lanyuan/fee-schedules/new", csrf, **{**fields, "fee_year": "1925"}
    )
    assert status == 422 and re.search(r'id="e-fee_year"[^>]*>年度须在 2000 到 2100 之间', text)

    fields["maintenance_amount"] = "90.00"
    status, where, _ = post_form(client, "/staff/lanyuan/fee-schedules/new", csrf, **fields)
    assert (status, where) == (303, "/staff/lanyuan/fee-schedules/2025?saved=1")
    detail = client.get(where).text
    assert "已提交 2025 年度收费标准" in detail and "200.00" in detail and "100.00" in detail
    assert "批准这份收费标准" not in detail  # the proposer gets no approve button
    content_hash = re.search(r'name="content_hash" value="([0-9a-f]+)"', detail)
    assert content_hash is None
    # ... and cannot approve by posting anyway, nor issue charges before approval.
    home = client.get("/staff").text
    assert "待业委会批准" in step(home, "schedule")
    status, _, text = post_form(client, "/staff/lanyuan/fee-schedules/2025/charges", csrf)
    assert status == 409 and "尚未经业委会批准" in text

    # A committee member approves exactly what was shown.
    committee_csrf = sign_in(client, "lijun")
    shown = client.get("/staff/lanyuan/fee-schedules/2025").text
    content_hash = re.search(r'name="content_hash" value="([0-9a-f]+)"', shown)
    assert content_hash, shown
    status, where, _ = post_form(
        client,
        "/staff/lanyuan/fee-schedules/2025/approve",
        committee_csrf,
        content_hash=content_hash[1],
    )
    assert (status, where) == (303, "/staff/lanyuan/fee-schedules/2025?done=1")
    # a committee member records nothing: no charges button for them, and the route refuses
    assert "开征 2025 年度服务费</button>" not in client.get(where).text
    status, _, _ = post_form(client, "/staff/lanyuan/fee-schedules/2025/charges", committee_csrf)
    assert status == 403

    # The steward issues the charges from the approved schedule.
    csrf = sign_in(client, "wangfang")
    home = client.get("/staff").text
    assert "收费标准已批准" in step(home, "schedule")
    assert "开征 2025 年度服务费" in step(home, "charges")
    status, where, _ = post_form(client, "/staff/lanyuan/fee-schedules/2025/charges", csrf)
    assert (status, where) == (303, "/staff/lanyuan/fee-schedules/2025?issued=20")
    assert "新开出 20 户应收" in client.get(where).text
    status, where, _ = post_form(client, "/staff/lanyuan/fee-schedules/2025/charges", csrf)
    assert where.endswith("?issued=0")  # again: nobody is charged twice
    # the schedule can no longer change once charged
    status, _, text = post_form(client, "/staff/lanyuan/fee-schedules/new", csrf, **fields)
    assert status == 409 and "已开征，收费标准不能再修改" in text

    home = client.get("/staff").text
    assert "已开征 2025 年度服务费" in step(home, "charges")
    assert "账簿未开" in step(home, "opening")  # still the one missing step
    household = client.get(f"/staff/lanyuan/households/{code[1]}").text
    assert "还不能收费" in household and "账簿未开" in household
    assert "2025 年度综合服务费" in household

    # The opening balances on the books page the checklist links to; a committee member
    # rejects the first proposal (the checklist says so and links back to the form), the
    # steward corrects it, and another approves it on the approvals page.
    assert 'href="/staff/lanyuan/books"' in step(client.get("/staff").text, "opening")
    opening = {
        "date": "2025-01-01",
        "electricity_bank": "3120.50",
        "maintenance_bank": "12480.00",
        "maintenance_cash": "350.00",
        "maintenance_payable": "800.00",
        "garbage_bank": "2310.00",
        "garbage_cash": "1200.00",  # a slip: 120.00 in the paper ledger
    }

    def steward_proposes() -> int:
        status, where, text = post_form(client, "/staff/lanyuan/books", csrf, **opening)
        assert (status, where) == (303, "/staff/lanyuan/books?saved=1"), text
        home = client.get("/staff").text
        assert "期初余额已提交，待业委会批准" in step(home, "opening")
        assert "/approvals/" not in step(home, "opening")  # the steward has nothing to approve
        books = client.get("/api/v1/estates/lanyuan/books", headers=api)
        return int(books.json()["proposal"]["approval_request_id"])

    def committee_decides(username: str, request_id: int, **decision: str) -> None:
        member_csrf = sign_in(client, username)
        home = client.get("/staff").text
        assert f'href="/staff/lanyuan/approvals/{request_id}"' in step(home, "opening")
        shown = client.get(f"/staff/lanyuan/approvals/{request_id}").text
        content_hash = re.search(r'name="content_hash" value="([0-9a-f]+)"', shown)
        assert content_hash, shown
        status, _, text = post_form(
            client,
            f"/staff/lanyuan/approvals/{request_id}/decision",
            member_csrf,
            content_hash=content_hash[1],
            **decision,
        )
        assert status == 303, text

    token = client.post(
        "/api/v1/auth/tokens", json={"name": "books"}, headers={"X-CSRF-Token": csrf}
    ).json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    first = steward_proposes()
    committee_decides("zhaomin", first, decision="reject", reason="垃圾费现金应为 120.00")
    csrf = sign_in(client, "wangfang")
    home = client.get("/staff").text
    assert "期初余额被业委会驳回" in step(home, "opening")
    assert 'href="/staff/lanyuan/books"' in step(home, "opening")
    opening["garbage_cash"] = "120.00"
    second = steward_proposes()
    committee_decides("zhaomin", second, decision="approve")
    books = client.get("/api/v1/estates/lanyuan/books", headers=api).json()
    assert books["open"] is True and books["opened_on"] == "2025-01-01"
    assert books["proposal"]["total_cash"] == "470.00"

    # Nothing is missing any more: no checklist, and the household page takes the money.
    csrf = sign_in(client, "wangfang")
    assert 'id="setup-lanyuan"' not in client.get("/staff").text
    household = client.get(f"/staff/lanyuan/households/{code[1]}").text
    assert "还不能收费" not in household and "收款并开收据" in household
    key = re.search(r'name="key" value="([0-9a-f]+)"', household)
    assert key, household
    status, where, text = post_form(
        client,
        f"/staff/lanyuan/households/{code[1]}/payments",
        csrf,
        fee_year="2025",
        amount="200.00",
        method="cash",
        key=key[1],
    )
    assert status == 303 and "/staff/lanyuan/receipts/" in where, text
    receipt = client.get(where).text
    assert "已收款，收据已开出" in receipt and "200.00 元" in receipt
