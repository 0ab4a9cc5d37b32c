"""Steps of an estate's life taken through the public API only, shared by the browser tests
(``tests/e2e/api_world.py``, over HTTP against the live server) and the HTTP-client tests
(``TestClient``). Each takes ``call(method, who, path, **kw)``: ``who`` names a person holding
an API token, ``path`` is relative to ``/api/v1/estates/<slug>``, the answer's JSON is
returned and any status of 400 or more fails the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]


def register_household(
    call: Call, steward: str, room: str, building: str = "1", entrance: str = "1"
) -> str:
    """The steward registers an occupied household (since 2026-01-01); its code."""
    made = call(
        "POST",
        steward,
        "/households",
        json={
            "building": building,
            "entrance": entrance,
            "room": room,
            "occupancy": "occupied",
            "since": "2026-01-01",
        },
    )
    return str(made["code"])


def charge_fee_year(
    call: Call, steward: str, committee: str, schedule: dict[str, Any], year: int = 2026
) -> None:
    """The steward proposes ``schedule`` as ``year``'s fee schedule, the committee member
    approves it, and the steward issues the year's charges (to the households registered by
    then)."""
    saved = call("PUT", steward, f"/fees/schedules/{year}", json=schedule)
    call(
        "POST",
        committee,
        f"/fees/schedules/{year}/approve",
        json={"content_hash": saved["content_hash"]},
    )
    call("POST", steward, f"/fees/charges/{year}")


def pay_fee(
    call: Call,
    steward: str,
    household_code: str,
    amount: str,
    paid_on: str,
    *,
    key: str,
    method: str = "cash",
    fee_year: int = 2026,
) -> dict[str, Any]:
    """The steward records ``amount`` paid by ``method`` (``cash``, ``wechat``, …) on
    ``paid_on``, all of it for the household's ``fee_year``, under the Idempotency-Key
    ``key``; the payment as the API answers it (with its receipt)."""
    return dict(
        call(
            "POST",
            steward,
            "/fees/payments",
            headers={"Idempotency-Key": key},
            json={
                "method": method,
                "amount": amount,
                "paid_on": paid_on,
                "allocations": [
                    {"household_code": household_code, "fee_year": fee_year, "amount": amount}
                ],
            },
        )
    )


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


def lamp_claim_body(
    amount: str, work_order_id: int | None = None, description: str = "换灯"
) -> dict[str, Any]:
    """A repair claim of one line (灯, 1 个 at ``amount``) to 兰亭水电维修部 for work done on
    2026-03-02, from the maintenance fund, for ``work_order_id`` if given."""
    return {
        "payee": "兰亭水电维修部",
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": description,
        "work_date": "2026-03-02",
        "work_order_id": work_order_id,
        "lines": [{"description": "灯", "quantity": 1, "unit": "个", "unit_price": amount}],
    }


def lamp_claim(
    call: Call, steward: str, amount: str, work_order_id: int | None = None
) -> dict[str, Any]:
    """``lamp_claim_body`` recorded by the steward (a draft)."""
    return dict(call("POST", steward, "/claims", json=lamp_claim_body(amount, work_order_id)))


def approve_claim(call: Call, steward: str, claim_id: int, approvers: tuple[str, ...]) -> None:
    """The steward submits the claim, then ``approvers`` approve it in turn until it is
    approved (as many as its amount needs)."""
    call("POST", steward, f"/claims/{claim_id}/submit")
    request = call("GET", steward, f"/claims/{claim_id}")["approval"]["request_id"]
    decided: Any = None
    for member in approvers:
        decided = call(
            "POST", member, f"/approvals/{request}/decision", json={"decision": "approve"}
        )
        if decided["status"] == "approved":
            return
    raise AssertionError(f"claim {claim_id} not approved by {approvers}: {decided}")


def done_work_order(call: Call, steward: str, contractor_id: int, building: str = "1") -> int:
    """A stair light out (reported 2026-03-01 in ``building``), assigned to the contractor on
    03-02 and done on 03-03, all by the steward; the work order's id."""
    made = call(
        "POST",
        steward,
        "/work-orders",
        json={
            "building": building,
            "location": "楼道",
            "problem": "灯不亮",
            "reported_on": "2026-03-01",
        },
    )
    step = f"/work-orders/{made['id']}/status"
    call(
        "POST",
        steward,
        step,
        json={"status": "assigned", "on": "2026-03-02", "contractor_id": contractor_id},
    )
    call("POST", steward, step, json={"status": "done", "on": "2026-03-03"})
    return int(made["id"])
