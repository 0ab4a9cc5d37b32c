"""Every file the application answers keeps its headers: Content-Type, Content-Disposition
(inline to show, attachment to save, with the file's name) and the cache headers — on an
estate built from an empty database through the CLI and the API (``open_estate``): the
published disclosure's PDF, CSV and XLSX, the public ledger file, and a household's receipt
PDF on its own page (``no-store``: it is one household's). And a file's name in any script
reaches the browser (RFC 6266)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

import pytest
from litestar import Litestar, Response, get
from litestar.params import FromPath
from litestar.testing import TestClient

from tests.api_flows import charge_fee_year, pay_fee, register_household
from tests.integration.estates.public_setup import Installation
from tests.integration.journal.api_setup import SCHEDULE
from tests.integration.staff_setup import SLUG, installation, open_estate  # noqa: F401
from trustfund.api.common import XLSX, file_response


def file_headers(answer: Any) -> dict[str, str]:
    """The headers that say what the file is and how long it may be kept."""
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    names = ("content-type", "content-disposition", "cache-control")
    return {name: answer.headers[name] for name in names if name in answer.headers}


def test_file_answers_keep_their_headers(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    code = register_household(call, "steward", "101")
    charge_fee_year(call, "steward", "committee", SCHEDULE)
    paid = pay_fee(call, "steward", code, "200.00", "2026-03-02", key="files-1")
    receipt_no = paid["receipts"][0]["receipt_no"]
    check_code = call("GET", "steward", f"/fees/receipts/{receipt_no}")["check_code"]
    version = call("POST", "steward", "/disclosures/", json={"period": "2026-03"})
    call(
        "POST", "committee", f"/disclosures/{version['id']}/decision", json={"decision": "approve"}
    )
    call("POST", "steward", f"/disclosures/{version['id']}/publish")

    public = f"/api/v1/public/estates/{SLUG}"
    name = f"{SLUG}-2026-03-v1"
    answers = {
        suffix: file_headers(tf.client.get(f"{public}/disclosures/{version['id']}.{suffix}"))
        for suffix in ("pdf", "csv", "xlsx")
    }
    assert answers == {
        "pdf": {
            "content-type": "application/pdf",
            "content-disposition": f'inline; filename="{name}.pdf"',
        },
        "csv": {
            "content-type": "text/csv; charset=utf-8",  # once "; charset=utf-8" twice
            "content-disposition": f'attachment; filename="{name}.csv"',
        },
        "xlsx": {
            "content-type": XLSX,
            "content-disposition": f'attachment; filename="{name}.xlsx"',
        },
    }
    assert file_headers(tf.client.get(f"{public}/ledger.beancount")) == {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": f'inline; filename="{SLUG}.beancount"',
    }

    # the household's own receipt, on its page opened with its codes: never kept by a cache
    tf.client.cookies.clear()
    receipt = f"/e/{SLUG}/household/receipts/{receipt_no}.pdf"
    assert tf.client.get(receipt).status_code == 404  # not without the household's cookie
    opened = tf.client.post(
        f"/e/{SLUG}/household/",
        data={"household_code": code, "check_code": check_code},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text[:300]
    answer = tf.client.get(receipt)
    assert answer.content.startswith(b"%PDF")
    assert file_headers(answer) == {
        "content-type": "application/pdf",
        "content-disposition": f'inline; filename="receipt-{receipt_no}.pdf"',
        "cache-control": "no-store",
    }


@get("/file/{name:str}", sync_to_thread=False)
def named_file(name: FromPath[str]) -> Response[bytes]:
    return file_response(b"x", "text/csv", name)


@pytest.mark.parametrize(
    ("name", "sent", "kept"),
    [
        # ASCII as it is
        ("yh-2026Q1-v2.pdf", 'attachment; filename="yh-2026Q1-v2.pdf"', "yh-2026Q1-v2.pdf"),
        # Chinese: an ASCII stand-in for old clients and the name itself in filename*
        (
            "游河小区-2026年公示.csv",
            'attachment; filename="____-2026___.csv"; '
            "filename*=UTF-8''%E6%B8%B8%E6%B2%B3%E5%B0%8F%E5%8C%BA-2026%E5%B9%B4%E5%85%AC%E7%A4%BA.csv",
            "游河小区-2026年公示.csv",
        ),
        # an accent is dropped in the stand-in; a quote or backslash never ends it early
        (
            "Café.pdf",
            "attachment; filename=\"Cafe.pdf\"; filename*=UTF-8''Caf%C3%A9.pdf",
            "Café.pdf",
        ),
        (
            'a"b\\c.csv',
            "attachment; filename=\"a_b_c.csv\"; filename*=UTF-8''a%22b%5Cc.csv",
            'a"b\\c.csv',
        ),
    ],
)
def test_a_file_name_in_any_script_reaches_the_browser(name: str, sent: str, kept: str) -> None:
    """Before, a name with a character outside ASCII was no answer at all (500: a header
    carries ASCII only); now RFC 6266 — and a browser's reading of ``filename*`` gives the
    name back."""
    with TestClient(Litestar([named_file])) as client:
        answer = client.get(f"/file/{quote(name, safe='')}")
    assert answer.status_code == 200, answer.text
    raw = dict(answer.headers.raw)[b"content-disposition"]
    assert raw.decode("ascii") == sent
    star = re.search(r"filename\*=UTF-8''(\S+)$", sent)
    plain = re.search(r'filename="([^"]*)"', sent)
    assert plain is not None
    assert (unquote(star[1]) if star else plain[1]) == kept
