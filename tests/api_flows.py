"""Steps of an estate's life taken through the public API only, shared by the browser tests
(``tests/e2e/api_world.py``, over HTTP against the live server) and the HTTP-client tests
(``TestClient``). Each takes ``call(method, who, path, **kw)``: ``who`` names a person holding
an API token, ``path`` is relative to ``/api/v1/estates/<slug>``, the answer's JSON is
returned and any status of 400 or more fails the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]


def settled_project_with_gift(call: Call, steward: str, council: str) -> dict[str, Any]:
    """Project 共享厨房 (GXCF, budget 400.00) applied for by the steward, approved by one
    council member, funded by a 400.00 gift of 区民政局 restricted to it, and settled with
    nothing spent: its 400.00 wait for the council's decision. Answers ``project``,
    ``gift``."""
    source = call(
        "POST",
        steward,
        "/grants/sources",
        json={"kind": "government", "donor_name": "区民政局"},
    )
    project = call(
        "POST",
        steward,
        "/grants/projects",
        json={
            "code": "GXCF",
            "title": "共享厨房",
            "purpose": "居民共享厨房改造",
            "applicant": "理事会",
            "applied_on": "2026-03-01",
            "lines": [{"description": "厨具", "amount": "400.00"}],
            "plan": [{"source_id": source["id"], "amount": "400.00"}],
        },
    )
    call("POST", steward, f"/grants/projects/{project['id']}/submit")
    call(
        "POST", council, f"/grants/projects/{project['id']}/decision", json={"decision": "approve"}
    )
    gift = call(
        "POST",
        steward,
        "/grants/gifts",
        headers={"Idempotency-Key": "flow-gift-gxcf"},
        json={
            "source_id": source["id"],
            "amount": "400.00",
            "received_on": "2026-03-05",
            "project_id": project["id"],
        },
    )
    call(
        "POST",
        steward,
        f"/grants/projects/{project['id']}/settle",
        json={"settled_on": "2026-03-10", "note": "厨具由社区借用，未支出"},
    )
    return {"project": project, "gift": gift}


def propose_refund(call: Call, steward: str, gift_id: int, amount: str = "400.00") -> Any:
    """The steward proposes returning ``amount`` of the gift to its source (pending)."""
    return call(
        "POST",
        steward,
        "/grants/transfers",
        json={
            "kind": "refund",
            "gift_id": gift_id,
            "amount": amount,
            "moved_on": "2026-03-12",
            "reason": "项目未支出，退回区民政局",
        },
    )


def png(color: tuple[int, int, int] = (200, 160, 90), size: tuple[int, int] = (640, 480)) -> bytes:
    """A photographed invoice, as far as a test needs one: a small PNG."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def claim_with_voucher(call: Call, steward: str, payee: str = "兰亭水电维修部") -> dict[str, Any]:
    """A draft claim (楼道灯更换, 120.00) with an invoice photo uploaded by the steward.
    Answers ``claim`` and ``voucher`` (withheld from the public, as every upload is)."""
    claim = call(
        "POST",
        steward,
        "/claims",
        json={
            "payee": payee,
            "fund": "maintenance",
            "expense_item": "Repairs",
            "description": "楼道灯更换",
            "work_date": "2026-03-02",
            "lines": [
                {"description": "楼道灯", "quantity": 4, "unit": "个", "unit_price": "30.00"}
            ],
        },
    )
    voucher = call(
        "POST",
        steward,
        f"/claims/{claim['id']}/vouchers",
        files={"file": ("invoice.png", png(), "image/png")},
    )
    return {"claim": claim, "voucher": voucher}
