"""The sample files under ``docs/samples`` import cleanly into a new estate through the API,
and what each import route's OpenAPI description and the samples README say is what the
importers accept (both are made from the same column lists)."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.integration.estates.public_setup import Headers, Installation
from tests.integration.fees.test_api import SCHEDULE
from trustfund.estates import importer
from trustfund.estates.columns import describe
from trustfund.estates.importer import read_table
from trustfund.fees import imports
from trustfund.reconciliation import statements, wallets
from trustfund.settlements import prices

SAMPLES = Path(__file__).parents[3] / "docs" / "samples"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def upload(name: str) -> dict[str, Any]:
    path = SAMPLES / name
    return {"file": (path.name, path.read_bytes(), MIME[path.suffix[1:]])}


def estate_with_register(tf: Installation, slug: str = "yh") -> tuple[Headers, Headers]:
    """Estate ``slug`` with the sample register imported by its steward; the steward's and a
    committee member's headers."""
    tf.estate(slug)
    steward = tf.person("steward", "steward", slug)
    committee = tf.person("committee", "committee", slug)
    done = tf.client.post(
        f"/api/v1/estates/{slug}/households/import",
        files=upload("households.csv"),
        headers=steward,
    )
    assert done.status_code == 201, done.text
    return steward, committee


def register(tf: Installation, slug: str, steward: Headers) -> list[dict[str, Any]]:
    listed = tf.client.get(
        f"/api/v1/estates/{slug}/households", params={"on": "2026-06-01"}, headers=steward
    )
    assert listed.status_code == 200, listed.text
    return [
        {k: v for k, v in h.items() if k not in {"code", "occupancy_history"}}
        for h in listed.json()["items"]
    ]


def charges_ready(tf: Installation, slug: str, s: Headers, c: Headers) -> None:
    """Books opened on 2026-01-01 (steward proposes, committee approves), the 2026 schedule
    approved, charges issued — all through the API."""
    books = f"/api/v1/estates/{slug}/books"
    opening = {"date": "2026-01-01", "funds": [{"fund": "electricity", "bank": "300.00"}]}
    proposed = tf.client.post(f"{books}/opening", json=opening, headers=s)
    assert proposed.status_code == 201, proposed.text
    decided = tf.client.post(
        f"/api/v1/estates/{slug}/approvals/{proposed.json()['approval_request_id']}/decision",
        json={"decision": "approve"},
        headers=c,
    )
    assert decided.status_code == 200, decided.text
    assert tf.client.get(books, headers=s).json()["open"] is True
    base = f"/api/v1/estates/{slug}/fees"
    saved = tf.client.put(f"{base}/schedules/2026", json=SCHEDULE, headers=s)
    assert saved.status_code == 200, saved.text
    approved = tf.client.post(
        f"{base}/schedules/2026/approve",
        json={"content_hash": saved.json()["content_hash"]},
        headers=c,
    )
    assert approved.status_code == 200, approved.text
    issued = tf.client.post(f"{base}/charges/2026", headers=s)
    assert issued.status_code == 200, issued.text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_sample_imports_into_a_new_estate(installation: Installation, kind: str) -> None:
    tf = installation
    slug = tf.estate(f"sample-{kind}")
    steward = tf.person("steward", "steward", slug)
    committee = tf.person("committee", "committee", slug)

    done = tf.client.post(
        f"/api/v1/estates/{slug}/households/import",
        files=upload(f"households.{kind}"),
        headers=steward,
    )
    assert done.status_code == 201, done.text
    assert {k: v for k, v in done.json().items() if k != "new_households"} == {
        "rows": 8,
        "created": 8,
        "unchanged": 0,
        "sites_created": 1,
        "buildings_created": 2,
        "changed": 0,
        "changes": [],
        "token": None,
        "applied": True,
    }
    assert done.json()["new_households"][0] == "1幢1单元101室"
    households = register(tf, slug, steward)
    first = households[0]
    assert (first["building"], first["entrance"], first["room"]) == ("1", "1", "101")
    assert (first["owner_name"], first["phone"], first["area_m2"]) == (
        "王芳",
        "13800000001",
        "89.50",
    )
    assert [h["occupancy"] for h in households].count("vacant") == 2
    assert households[2]["phone"] == "0571-88886666"

    priced = tf.client.post(
        f"/api/v1/estates/{slug}/prices/import",
        params={"effective_from": "2026-01-01", "source": "sample"},
        files=upload(f"prices.{kind}"),
        headers=steward,
    )
    assert priced.status_code == 201, priced.text
    in_force = tf.client.get(
        f"/api/v1/estates/{slug}/prices", params={"on": "2026-03-01"}, headers=steward
    ).json()["in_force"]
    assert {p["code"]: p["unit_price"] for p in in_force} == {
        "WX-001": "15.00",
        "WX-002": "120.00",
        "WX-003": "180.00",
        "WX-004": "35.50",
    }

    charges_ready(tf, slug, steward, committee)
    collection = tf.client.get(
        f"/api/v1/estates/{slug}/fees/collection/2026", headers=steward
    ).json()
    assert collection["by_occupancy"]["occupied"]["households"] == 6
    assert collection["by_occupancy"]["vacant"]["households"] == 2
    paid = tf.client.post(
        f"/api/v1/estates/{slug}/fees/payments/import",
        files=upload(f"payments.{kind}"),
        headers=steward,
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["payments"] == 5
    assert paid.json()["amount"] == "820.00"  # 200 + 100 + 200 + 120 + 200, by plain sum
    by_room = {(h["building"], h["room"]): h for h in register(tf, slug, steward)}
    codes = tf.client.get(
        f"/api/v1/estates/{slug}/households", params={"room": "501"}, headers=steward
    ).json()["items"]
    assert len(codes) == 1 and by_room[("3", "501")]["owner_name"] == "陈静"
    owed = tf.client.get(
        f"/api/v1/estates/{slug}/fees/households/{codes[0]['code']}/2026", headers=steward
    ).json()
    assert (Decimal(owed["paid"]), Decimal(owed["outstanding"])) == (Decimal(120), Decimal(80))


@pytest.mark.parametrize(
    "stem",
    ["households", "payments", "prices", "bank-statement-split", "bank-statement-signed"],
)
def test_each_xlsx_sample_holds_the_cells_of_its_csv(stem: str) -> None:
    def cells(name: str) -> list[list[str]]:
        table = read_table((SAMPLES / name).read_bytes(), name)
        rows = [table.header, *(cells for _, cells in table.rows)]
        return [[importer.cell_text(c) or "" for c in row] for row in rows]

    from_csv, from_xlsx = cells(f"{stem}.csv"), cells(f"{stem}.xlsx")
    # a spreadsheet holds 89.50 as the number 89.5
    normalise = [[c.rstrip("0").rstrip(".") if "." in c else c for c in r] for r in from_csv]
    assert [[c.rstrip("0").rstrip(".") if "." in c else c for c in r] for r in from_xlsx] == (
        normalise
    )


IMPORT_ROUTES = [
    ("/api/v1/estates/{estate_slug}/households/import", importer.COLUMNS),
    ("/api/v1/estates/{estate_slug}/fees/payments/import", imports.COLUMNS),
    ("/api/v1/estates/{estate_slug}/prices/import", prices.COLUMNS),
    ("/api/v1/estates/{estate_slug}/bank/statements/import", statements.COLUMNS),
    ("/api/v1/estates/{estate_slug}/bank/wallets/{source}/import", wallets.WECHAT_COLUMNS),
    ("/api/v1/estates/{estate_slug}/bank/wallets/{source}/import", wallets.ALIPAY_COLUMNS),
]


def test_samples_readme_is_built_from_the_column_lists() -> None:
    spec = importlib.util.spec_from_file_location("samples_build", SAMPLES / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert readme == build.readme(), "run python docs/samples/build.py"


def test_openapi_and_samples_readme_list_every_column(installation: Installation) -> None:
    schema = installation.client.get("/schema/openapi.json").json()
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    import_paths = {p for p in schema["paths"] if p.endswith("/import")}
    assert import_paths == {path for path, _ in IMPORT_ROUTES}, "an import route is undocumented"
    for path, columns in IMPORT_ROUTES:
        description = schema["paths"][path]["post"]["description"]
        table = describe(columns)
        assert table in description and table in readme
        for column in columns:
            assert f"`{column.zh}` / `{column.en}`" in description
    households = schema["paths"][IMPORT_ROUTES[0][0]]["post"]["description"]
    assert "`业主` / `owner_name`" in households and "`电话` / `phone`" in households
