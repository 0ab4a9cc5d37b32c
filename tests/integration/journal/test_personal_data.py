"""No owner's name or phone number reaches the public ledger, however it is written (issue 14
item 7; DESIGN principle 6). The probe posted ``鲁 磊``, ``鲁<zero-width>磊``,
``138.0000.0001`` and full-width digits; each is refused here in every text of every route
that writes free text into the ledger — general entries (narration, payee, metadata),
proposed entries, reversal reasons, claims (payee, description: refused when written, not
when paid) — while dates, amounts, receipt numbers and household codes pass. A name changed
by PATCH is caught under its new name. The 422 names the field and the reason and never
repeats what it found. From an empty database through the API, on both backends."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import NewEstate, decide, new_estate
from trustfund.ledger.privacy import number_key, text_key

NAME = "鲁磊"
PHONE = "13800000001"
LANDLINE = "0574-87000001"
OTHER_NAME = "欧阳春晓"

BANK = "Assets:Bank:Committee"
CASH = "Assets:Cash:Steward"
RECLASS = {"Expenses:Maintenance:Materials": "10.00", "Expenses:Maintenance:Repairs": "-10.00"}


def _digits(script_zero: int, number: str = PHONE) -> str:
    return "".join(chr(script_zero + int(d)) for d in number)


#: How the probe (and a steward who wants to) writes the owner's name and phone.
WRITTEN_NAMES = {
    "space": "鲁 磊",
    "ideographic space": "鲁\u3000磊",
    "zero-width space": "鲁\u200b磊",
    "zero-width joiner": "鲁\u200d磊",
    "word joiner": "鲁\u2060磊",
    "byte-order mark": "鲁\ufeff磊",
    "soft hyphen": "鲁\u00ad磊",
    "hyphen": "鲁-磊",
    "middle dot": "鲁·磊",
}
WRITTEN_PHONES = {
    "plain": PHONE,
    "full-width": _digits(0xFF10),
    "dots": "138.0000.0001",
    "spaces": "138 0000 0001",
    "dashes": "138-0000-0001",
    "zero-width": "138\u200b0000\u200b0001",
    "arabic-indic": _digits(0x0660),
    "chinese numerals": "一三八零零零零零零零一",
    "country code": "+86 138 0000 0001",
    "landline alone": "87000001",
    "landline with area code": "0574 8700 0001",
}
#: Someone's mobile number who is no owner here: refused as a phone number all the same.
STRANGER = "139 1234 5678"

#: What a steward writes every day and must never be refused.
HARMLESS = [
    "2026年3月15日 楼道灯维修 2026-03-15",
    "收据2026-000123 退款 200.00 元",
    "金额 1385.00，单价 35.50，数量 12",
    "3幢1单元502室 H-7K2Q9D",
    "冲销第12笔 申请单 1380",
    "鲁迅公园旁 磊石路 路灯",  # the owner's two characters, apart and among other words
    "2026年度综合服务费(预收) 收据2026-000001",
]


@dataclasses.dataclass
class OwnedEstate(NewEstate):
    codes: dict[str, str] = dataclasses.field(default_factory=dict)  # owner name → household code


@pytest.fixture
def estate(session: Session, client: TestClient[Litestar]) -> OwnedEstate:
    """A new estate with two owners recorded through the API and its books opened."""
    new = new_estate(session, client)
    estate = OwnedEstate(**{f.name: getattr(new, f.name) for f in dataclasses.fields(new)})
    for room, owner, phone in (("102", NAME, PHONE), ("103", OTHER_NAME, LANDLINE)):
        created = estate.post(
            "steward",
            "/households",
            {
                "building": "1",
                "entrance": "1",
                "room": room,
                "occupancy": "occupied",
                "since": "2024-01-01",
                "owner_name": owner,
                "phone": phone,
            },
        )
        assert created.status_code == 201, created.text
        estate.codes[owner] = created.json()["code"]
    opening = {"date": "2025-01-01", "funds": [{"fund": "maintenance", "bank": "8000.00"}]}
    proposal = estate.post("steward", "/books/opening", opening).json()
    assert decide(estate, "member1", proposal["approval_request_id"]).status_code == 200
    return estate


def _entry(narration: str = "调整", **extra: Any) -> dict[str, Any]:
    return {
        "date": "2025-03-01",
        "narration": narration,
        "legs": [{"account": a, "amount": v} for a, v in RECLASS.items()],
        **extra,
    }


def _post(estate: NewEstate, body: dict[str, Any], key: str) -> Any:
    return estate.post("steward", "/ledger/entries", body, headers={"Idempotency-Key": key})


def _entry_count(estate: NewEstate) -> int:
    return int(estate.get("member1", "/ledger/entries").json()["total"])


def _public_ledger(estate: NewEstate) -> str:
    response = estate.client.get(f"/api/v1/public/estates/{estate.slug}/ledger.beancount")
    assert response.status_code == 200
    return str(response.text)


def _assert_refused(response: Any, field: str, what: str, written: str) -> None:
    """422 naming ``field`` with the reason for ``what`` (name/phone), and nothing of the
    personal data echoed back, in any form."""
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    reason = errors[0]["reason"]
    assert ("owner's name" if what == "name" else "phone number") in reason
    assert "ledger is public" in reason
    body = response.text
    assert written not in body
    assert NAME not in text_key(body)
    assert PHONE not in number_key(body)
    assert "87000001" not in number_key(body)


def _texts_of(written: str) -> list[tuple[str, dict[str, Any]]]:
    """``(field, body)``: ``written`` in the narration, the payee, a metadata value."""
    return [
        ("narration", _entry(f"付款给{written}")),
        ("payee", _entry(payee=f"{written}（业主）")),
        ("meta.contact", _entry(meta={"contact": written})),
    ]


def test_an_owners_name_however_written_is_refused_in_every_text(estate: NewEstate) -> None:
    before = _entry_count(estate)
    for how, written in WRITTEN_NAMES.items():
        for field, body in _texts_of(written):
            refused = _post(estate, body, f"{how}-{field}")
            _assert_refused(refused, field, "name", written)
    assert _entry_count(estate) == before


def test_an_owners_phone_however_written_is_refused_in_every_text(estate: NewEstate) -> None:
    before = _entry_count(estate)
    for how, written in WRITTEN_PHONES.items():
        for field, body in _texts_of(written):
            refused = _post(estate, body, f"{how}-{field}")
            _assert_refused(refused, field, "phone", written)
    assert _entry_count(estate) == before


def test_anyones_mobile_number_is_refused(estate: NewEstate) -> None:
    for field, body in _texts_of(STRANGER):
        refused = _post(estate, body, f"stranger-{field}")
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [field]
        assert "12345678" not in number_key(refused.text)


def test_dates_amounts_receipts_and_codes_are_not_refused(estate: OwnedEstate) -> None:
    code = estate.codes[NAME]
    for i, text in enumerate(HARMLESS):
        body = _entry(
            text,
            payee="甬安维修公司",
            meta={"household": code, "receipt": "2026-000123", "note": text, "on": "2026-03-15"},
        )
        posted = _post(estate, body, f"harmless-{i}")
        assert posted.status_code == 201, (text, posted.text)


def test_proposed_entries_are_refused_when_proposed(estate: NewEstate) -> None:
    withdraw = {
        "date": "2025-03-01",
        "legs": [{"account": CASH, "amount": "100.00"}, {"account": BANK, "amount": "-100.00"}],
    }
    for field, extra in (
        ("narration", {"narration": "备用金 鲁\u200b磊"}),
        ("payee", {"narration": "备用金", "payee": "138.0000.0001"}),
        ("meta.who", {"narration": "备用金", "meta": {"who": "鲁-磊"}}),
    ):
        refused = estate.post("steward", "/ledger/proposals", {**withdraw, **extra})
        what = "phone" if field == "payee" else "name"
        _assert_refused(refused, field, what, str(next(iter(extra.values()))))
    assert estate.get("member1", "/ledger/proposals").json() == []


def test_a_reversal_reason_is_refused(estate: NewEstate) -> None:
    posted = _post(estate, _entry(), "to-reverse")
    assert posted.status_code == 201, posted.text
    seq = posted.json()["seq"]
    for i, (reason, what) in enumerate((("鲁 磊说分错了", "name"), ("问 138 0000 0001", "phone"))):
        refused = estate.post(
            "steward",
            f"/ledger/entries/{seq}/reversal",
            {"date": "2025-03-02", "reason": reason},
            headers={"Idempotency-Key": f"rev-{i}"},
        )
        _assert_refused(refused, "reason", what, reason)
    reversed_ = estate.post(
        "steward",
        f"/ledger/entries/{seq}/reversal",
        {"date": "2025-03-02", "reason": "分错了"},
        headers={"Idempotency-Key": "rev-ok"},
    )
    assert reversed_.status_code == 201, reversed_.text


def _claim(payee: str = "甬安维修公司", description: str = "1幢楼道灯") -> dict[str, Any]:
    return {
        "payee": payee,
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": description,
        "work_date": "2025-02-20",
        "lines": [{"description": "人工", "quantity": "1", "unit": "次", "unit_price": "80.00"}],
    }


def test_a_claim_naming_an_owner_is_refused_when_written_not_when_paid(
    estate: NewEstate,
) -> None:
    """Before, a claim to ``鲁 磊`` was accepted, approved by the committee and only then
    refused at payment; now its payee and description are refused when written — on
    creation and on edit."""
    for field, body, what, written in (
        ("payee", _claim(payee="鲁\u200b磊"), "name", "鲁\u200b磊"),
        ("description", _claim(description="给鲁 磊家修灯"), "name", "鲁 磊"),
        ("description", _claim(description=f"联系 {_digits(0xFF10)}"), "phone", PHONE),
    ):
        _assert_refused(estate.post("steward", "/claims", body), field, what, written)
    created = estate.post("steward", "/claims", _claim())
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    edited = estate.client.put(
        f"{estate.base}/claims/{cid}",
        json=_claim(payee="鲁·磊"),
        headers=estate.people["steward"],
    )
    _assert_refused(edited, "payee", "name", "鲁·磊")
    assert estate.get("steward", f"/claims/{cid}").json()["payee"] == "甬安维修公司"
    assert estate.post("steward", f"/claims/{cid}/submit").status_code == 200
    request_id = estate.get("steward", f"/claims/{cid}").json()["approval"]["request_id"]
    assert decide(estate, "member1", request_id).json()["status"] == "approved"
    paid = estate.post(
        "steward", f"/claims/{cid}/pay", {"paid_on": "2025-03-02"}, headers={"Idempotency-Key": "p"}
    )
    assert paid.status_code == 200, paid.text


def test_a_name_changed_by_patch_is_caught_under_its_new_name(estate: OwnedEstate) -> None:
    code = estate.codes[NAME]
    new_name, new_phone = "司马相如", "139 8888 0002"
    assert _post(estate, _entry(f"付款给{new_name}"), "before").status_code == 201
    patched = estate.client.patch(
        f"{estate.base}/households/{code}",
        json={"owner_name": new_name, "phone": new_phone, "note": "过户"},
        headers=estate.people["steward"],
    )
    assert patched.status_code == 200, patched.text
    for i, (written, what) in enumerate(
        (
            ("司马 相如", "name"),
            ("司\u200b马相如", "name"),
            (_digits(0x0660, "13988880002"), "phone"),
        )
    ):
        refused = _post(estate, _entry(f"付款给{written}"), f"after-{i}")
        _assert_refused(refused, "narration", what, written)
    # the old owner is no owner here any more: his name alone is no longer refused
    assert _post(estate, _entry("付款给鲁 磊"), "old-name").status_code == 201


def test_the_public_ledger_never_carries_an_owner(estate: NewEstate) -> None:
    """Every attempt above, made once more in a row: the public file holds none of them."""
    attempts = [*WRITTEN_NAMES.values(), *WRITTEN_PHONES.values(), STRANGER]
    for i, written in enumerate(attempts):
        for field, body in _texts_of(written):
            assert _post(estate, body, f"public-{i}-{field}").status_code == 422
    assert _post(estate, _entry("办公用品调整"), "fine").status_code == 201
    ledger = _public_ledger(estate)
    assert NAME not in text_key(ledger)
    assert PHONE not in number_key(ledger)
    assert "87000001" not in number_key(ledger)
