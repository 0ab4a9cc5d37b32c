"""Settlements over HTTP: claims with the reference check, four eyes, idempotent payouts,
the insufficient-funds problem, the repair register, goods, vouchers and their privacy."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_pdf
from tests.integration.settlements.helpers import build, report_work_order


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1600, 1200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x9003] = "2026:03:02 10:00:00"  # DateTimeOriginal
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _claim(contractor_id: int, over_reason: str | None = None) -> dict[str, Any]:
    return {
        "payee": "甬安维修公司",
        "contractor_id": contractor_id,
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": "3幢2单元楼道声控灯",
        "work_date": "2026-03-02",
        "lines": [
            {"item_code": "WX-001", "quantity": "4", "unit_price": "35.00"},
            {
                "item_code": "WX-002",
                "quantity": 1,
                "unit_price": "320.00",
                "over_reason": over_reason,
            },
        ],
    }


def test_claim_to_payment_over_http(session: Session, client: TestClient[Litestar]) -> None:
    world = build(session, "sa", balances={"maintenance": Decimal("400.00")})
    steward = auth_headers(world.steward[1])
    members = [auth_headers(t) for _, t in world.committee]
    base = f"/api/v1/estates/{world.estate.slug}"
    session.rollback()

    missing = client.post(f"{base}/claims", json=_claim(world.contractor_id), headers=steward)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "lines[1].over_reason"
    created = client.post(
        f"{base}/claims", json=_claim(world.contractor_id, "原厂配件"), headers=steward
    )
    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["amount"] == "460.00" and claim["above_reference"] == "40.00"
    cid = claim["id"]
    assert client.post(f"{base}/claims/{cid}/submit", headers=steward).status_code == 200
    request_id = client.get(f"{base}/claims/{cid}", headers=steward).json()["approval"][
        "request_id"
    ]
    assert (
        client.post(
            f"{base}/approvals/{request_id}/decision", json={"decision": "approve"}, headers=steward
        ).status_code
        == 403
    )
    ok = client.post(
        f"{base}/approvals/{request_id}/decision", json={"decision": "approve"}, headers=members[0]
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"

    # 460.00 from a fund holding 400.00: refused, with the fund and the shortfall
    refused = client.post(
        f"{base}/claims/{cid}/pay",
        json={"paid_on": "2026-03-05"},
        headers={**steward, "Idempotency-Key": "pay-1"},
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("insufficient-funds")
    assert "公共设施维护 (maintenance)" in problem["detail"]
    assert "short by 60.00 CNY" in problem["detail"]

    # the steward lowers the price: the approval is void, the claim must be submitted again
    cheaper = _claim(world.contractor_id)
    cheaper["lines"] = cheaper["lines"][:1]
    edited = client.put(f"{base}/claims/{cid}", json=cheaper, headers=steward)
    assert edited.status_code == 200
    assert edited.json()["status"] == "draft"
    assert edited.json()["approval"]["status"] == "void"
    client.post(f"{base}/claims/{cid}/submit", headers=steward)
    request_id = client.get(f"{base}/claims/{cid}", headers=steward).json()["approval"][
        "request_id"
    ]
    client.post(
        f"{base}/approvals/{request_id}/decision", json={"decision": "approve"}, headers=members[1]
    )
    headers = {**steward, "Idempotency-Key": "pay-2"}
    paid = client.post(f"{base}/claims/{cid}/pay", json={"paid_on": "2026-03-05"}, headers=headers)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    replay = client.post(
        f"{base}/claims/{cid}/pay", json={"paid_on": "2026-03-05"}, headers=headers
    )
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == paid.json()
    other_body = client.post(
        f"{base}/claims/{cid}/pay", json={"paid_on": "2026-03-06"}, headers=headers
    )
    assert other_body.status_code == 409
    again = client.post(
        f"{base}/claims/{cid}/pay",
        json={"paid_on": "2026-03-06"},
        headers={**steward, "Idempotency-Key": "pay-3"},
    )
    assert again.status_code == 409 and "never paid twice" in again.json()["detail"]

    table = client.get(f"{base}/expenses", headers=members[2]).json()
    assert table["total"] == "140.00"
    assert table["rows"][0]["approvers"] and table["rows"][0]["approvers"][0] != "业委会委员"
    public = client.get(f"/api/v1/public/estates/{world.estate.slug}/expenses").json()
    assert public["rows"][0]["approvers"] == ["业委会委员"]
    xlsx = client.get(f"{base}/expenses/xlsx", headers=members[2])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_repair_register_goods_and_vouchers(session: Session, client: TestClient[Litestar]) -> None:
    world = build(session, "sb")
    steward = auth_headers(world.steward[1])
    member = auth_headers(world.committee[0][1])
    base = f"/api/v1/estates/{world.estate.slug}"
    session.rollback()

    oid = report_work_order(client, world)
    step = f"{base}/work-orders/{oid}/status"
    skipped = client.post(step, json={"status": "done", "on": "2026-03-02"}, headers=steward)
    assert skipped.status_code == 409
    early = client.post(
        step,
        json={"status": "assigned", "on": "2026-02-01", "contractor_id": world.contractor_id},
        headers=steward,
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "on"
    assigned = client.post(
        step,
        json={"status": "assigned", "on": "2026-03-02", "contractor_id": world.contractor_id},
        headers=steward,
    )
    assert assigned.json()["status"] == "assigned"
    assert (
        client.post(step, json={"status": "done", "on": "2026-03-03"}, headers=steward).json()[
            "status"
        ]
        == "done"
    )
    unsettled = client.post(step, json={"status": "settled", "claim_id": 999}, headers=steward)
    assert unsettled.status_code == 404
    register = client.get(f"{base}/work-orders", headers=member).json()
    assert register[0]["done_on"] == "2026-03-03"

    slip = {"item": "声控灯泡", "unit": "个", "kind": "purchase", "quantity": "10",
            "slip_date": "2026-03-01"}  # fmt: skip
    assert client.post(f"{base}/goods/slips", json=slip, headers=steward).status_code == 201
    issue = {**slip, "kind": "issue", "quantity": "11", "work_order_id": oid}
    too_many = client.post(f"{base}/goods/slips", json=issue, headers=steward)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "quantity"
    assert "only 10" in too_many.json()["errors"][0]["reason"]
    issue["quantity"] = "4"
    assert client.post(f"{base}/goods/slips", json=issue, headers=steward).status_code == 201
    donated = {"item": "分类垃圾桶", "unit": "只", "kind": "donation", "quantity": 6,
               "slip_date": "2026-03-04", "donor": "爱心企业", "estimated_value": "480.00"}  # fmt: skip
    assert client.post(f"{base}/goods/slips", json=donated, headers=steward).status_code == 201
    stock = {row["item"]: row for row in client.get(f"{base}/goods", headers=member).json()}
    assert stock["声控灯泡"]["in_stock"] == "6" and stock["分类垃圾桶"]["in_stock"] == "6"

    # a photo: a disguised file is refused by its content, a JPEG is stored by its hash
    fake = client.post(
        f"{base}/work-orders/{oid}/photos",
        files={"file": ("photo.jpg", b"GIF89a not really", "image/jpeg")},
        headers=steward,
    )
    assert fake.status_code == 422 and fake.json()["errors"][0]["field"] == "file"
    photo = _jpeg_with_exif()
    stored = client.post(
        f"{base}/work-orders/{oid}/photos",
        files={"file": ("photo.jpg", photo, "image/jpeg")},
        headers=steward,
    )
    assert stored.status_code == 201, stored.text
    voucher = stored.json()
    assert voucher["contains_personal_data"] is True
    original = client.get(f"{base}/vouchers/{voucher['id']}", headers=member)
    assert original.content == photo
    public_base = f"/api/v1/public/estates/{world.estate.slug}/vouchers/{voucher['id']}"
    meta = client.get(public_base).json()
    assert set(meta) == {"id", "number", "sha256", "content_type", "size", "contains_personal_data"}
    placeholder = client.get(f"{public_base}/file")
    assert placeholder.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(placeholder.content)).size == (320, 200)
    assert (
        client.put(
            f"{base}/vouchers/{voucher['id']}/public", json={"public": True}, headers=steward
        ).status_code
        == 403
    )  # the committee decides what the public sees
    assert (
        client.put(
            f"{base}/vouchers/{voucher['id']}/public", json={"public": True}, headers=member
        ).status_code
        == 200
    )
    thumb = Image.open(io.BytesIO(client.get(f"{public_base}/file").content))
    assert max(thumb.size) == 800
    assert len(thumb.getexif()) == 0 and "exif" not in thumb.info
    assert len(Image.open(io.BytesIO(photo)).getexif()) == 2


def test_voucher_files_are_content_addressed(
    session: Session, client: TestClient[Litestar], settings: Any
) -> None:
    import hashlib

    world = build(session, "sc")
    steward = auth_headers(world.steward[1])
    base = f"/api/v1/estates/{world.estate.slug}"
    session.rollback()
    claim = client.post(
        f"{base}/claims",
        json={
            "payee": "国网供电公司",
            "fund": "electricity",
            "expense_item": "Bills",
            "description": "3月公共用电",
            "work_date": "2026-03-25",
            "lines": [
                {
                    "description": "公共用电",
                    "quantity": "5870",
                    "unit": "千瓦时",
                    "unit_price": "0.538",
                }
            ],
        },
        headers=steward,
    ).json()
    assert claim["amount"] == "3158.06"  # 5870 kWh × 0.538
    pdf = make_pdf("invoice")
    first = client.post(
        f"{base}/claims/{claim['id']}/vouchers",
        files={"file": ("invoice.pdf", pdf, "application/pdf")},
        headers=steward,
    ).json()
    second = client.post(
        f"{base}/claims/{claim['id']}/vouchers",
        files={"file": ("copy.pdf", pdf, "application/pdf")},
        headers=steward,
    ).json()
    digest = hashlib.sha256(pdf).hexdigest()
    assert first["sha256"] == second["sha256"] == digest
    assert first["number"] != second["number"]
    path = settings.var_dir / "vouchers" / digest[:2] / digest
    assert path.read_bytes() == pdf
    files = list((settings.var_dir / "vouchers").rglob("*"))
    assert [p for p in files if p.is_file()] == [path]
    big = client.post(
        f"{base}/claims/{claim['id']}/vouchers",
        files={"file": ("big.pdf", b"%PDF-" + b"0" * (10 * 2**20), "application/pdf")},
        headers=steward,
    )
    assert big.status_code in (413, 422)
