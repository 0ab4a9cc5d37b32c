"""Issue 17: no English account name or raw fund code on any staff page or in any export a
steward or committee member downloads. The estate is built from an empty database through
the API — fees paid, claims from three funds (one paid), an autonomy project with its own
sub-fund and a claim on it — then every staff page reachable by links from the staff home is
read, as the steward and as a committee member, and every XLSX linked from them opened."""

from __future__ import annotations

import io
import re
from collections import deque
from html import unescape

import httpx
import openpyxl
import pytest

from tests.e2e.api_world import ApiWorld, build_api_world
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e

#: What must never reach a person: beancount account names and the funds' code names.
ENGLISH = re.compile(
    r"\b(?:Assets|Expenses|Income|Liabilities|Equity):[A-Z]"
    r"|\bautonomy:[A-Z0-9]"
    r"|\b(?:electricity|maintenance|garbage|autonomy)\b"
)
SKIP = re.compile(r"\.pdf$|/pdf$|/logout|\.csv$|/csv$")


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)  # tags and their attributes (form values)
    return unescape(html)


def with_project(world: ApiWorld) -> None:
    """The council approves an autonomy project 共享厨房 (code GXCF), funded
    by a gift; the steward records a claim on it; a maintenance claim is paid."""
    council = ("qianli", "sunmei", "zhouqiang")
    for name in council:
        world.person(name, name, "council")
    source = world.call(
        "POST", "steward", "/grants/sources", json={"kind": "sponsorship", "donor_name": "兰亭超市"}
    )
    project = world.call(
        "POST",
        "steward",
        "/grants/projects",
        json={
            "code": "GXCF",
            "title": "共享厨房",
            "purpose": "老人共享厨房",
            "applicant": "理事会",
            "applied_on": "2026-03-01",
            "lines": [{"description": "厨具", "amount": "800.00"}],
            "plan": [{"source_id": source["id"], "amount": "800.00"}],
        },
    )
    world.call("POST", "steward", f"/grants/projects/{project['id']}/submit")
    for name in council:
        decided = world.call(
            "POST",
            name,
            f"/grants/projects/{project['id']}/decision",
            json={"decision": "approve"},
        )
        if decided["status"] == "approved":
            break
    world.call(
        "POST",
        "steward",
        "/grants/gifts",
        headers={"Idempotency-Key": "e2e-gift-1"},
        json={
            "source_id": source["id"],
            "amount": "800.00",
            "received_on": "2026-03-02",
            "project_id": project["id"],
        },
    )
    line = world.call("GET", "steward", f"/grants/projects/{project['id']}")["lines"][0]["id"]
    world.call(
        "POST",
        "steward",
        f"/grants/projects/{project['id']}/disbursements",
        json={
            "budget_line_id": line,
            "payee": "五金店",
            "description": "厨具",
            "work_date": "2026-03-03",
            "lines": [
                {"description": "厨具", "quantity": "1", "unit": "套", "unit_price": "600.00"}
            ],
        },
    )
    lamps = world.claim("宁波市水电维修部", "380.00", "楼道声控灯更换")
    world.claim("电力公司", "300.00", "2026年2月公共电费", fund="electricity", item="Bills")
    for item in world.call("GET", "lijun", "/approvals/inbox"):
        if item["subject_kind"] == "claim" and item["subject_id"] == lamps["id"]:
            world.decide("lijun", item["id"])
    world.call(
        "POST",
        "steward",
        f"/claims/{lamps['id']}/pay",
        headers={"Idempotency-Key": "e2e-pay-1"},
        json={"paid_on": "2026-03-05"},
    )


def crawl(world: ApiWorld, who: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """Every staff page linked from /staff (GET only), and every XLSX linked from them."""
    server = world.server.url
    pages: dict[str, str] = {}
    sheets: dict[str, bytes] = {}
    todo = deque(["/staff"])
    with httpx.Client(base_url=server, headers=world.people[who], timeout=60) as client:
        while todo and len(pages) < 150:
            path = todo.popleft()
            if path in pages or path in sheets:
                continue
            answer = client.get(path)
            assert answer.status_code == 200, f"{who} {path}: {answer.status_code}"
            if "spreadsheetml" in answer.headers.get("content-type", ""):
                sheets[path] = answer.content
                continue
            pages[path] = answer.text
            for link in re.findall(r'href="([^"#]+)', answer.text):
                link = unescape(link)
                if link.startswith(server):
                    link = link[len(server) :]
                wanted = link.startswith(f"/staff/{world.slug}") or (
                    link.startswith("/api/") and "xlsx" in link
                )
                if wanted and not SKIP.search(link) and link not in pages:
                    todo.append(link)
    return pages, sheets


def test_no_english_account_names_on_staff_pages_or_exports(live_server: LiveServer) -> None:
    world = build_api_world(live_server)
    world.pay_cash("1-1-9", "200.00", "2026-02-01")
    with_project(world)
    found: list[str] = []
    seen_sheets: set[str] = set()
    for who in ("steward", "lijun"):
        pages, sheets = crawl(world, who)
        assert len(pages) > 15, sorted(pages)
        for path, html in pages.items():
            for match in ENGLISH.finditer(visible_text(html)):
                found.append(f"{who} {path}: {match.group(0)!r}")
        for path, data in sheets.items():
            seen_sheets.add(path.split("?")[0].rsplit("/", 2)[-2])
            book = openpyxl.load_workbook(io.BytesIO(data))
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str) and ENGLISH.search(cell.value):
                            found.append(f"{path} {sheet.title}!{cell.coordinate}: {cell.value!r}")
    assert not found, "\n".join(found)
    assert {"expenses", "2026"} <= seen_sheets, seen_sheets  # both exports were read
