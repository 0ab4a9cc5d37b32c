"""Issue 17: a repair from work order to submitted claim in at most six taps at 375 px, the
on-site photo carried through to the approver. The work order's contractor, place, problem,
work date and photos fill the claim; the steward types the amount and submits. A chosen
photo shows its picture and file name at once, before it is uploaded. The prefilled values
are still checked by the server: a payee changed to an owner's name is refused, and a
voucher of another estate (or of another work order) cannot be attached by its id — in the
form or over the API. The estate is built from an empty database through the API."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.api_world import ApiWorld, build_api_world
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_find_household import PHONE_375, Taps, fits, phone375  # noqa: F401

pytestmark = pytest.mark.e2e
CONTRACTOR = "宁波市水电维修部"


def _photo(
    width: int = 240, height: int = 160, colour: tuple[int, int, int] = (90, 120, 200)
) -> bytes:
    """A small JPEG as a phone camera hands it over."""
    image = Image.new("RGB", (width, height), colour)
    for x in range(20, width - 20):
        image.putpixel((x, height // 2), (250, 250, 250))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def _work_order(world: ApiWorld, who: str = "steward") -> tuple[int, int]:
    """A stair light reported with its photo, assigned to the contractor and done (over the
    API); (work order id, photo voucher id)."""
    order = world.call(
        "POST",
        who,
        "/work-orders",
        json={
            "building": "3",
            "entrance": "1",
            "location": "三楼楼道",
            "problem": "声控灯不亮，晚上看不见台阶",
            "reporter": "孙三",  # an owner: staff-only, never carried into the claim
        },
    )
    photo = world.call(
        "POST",
        who,
        f"/work-orders/{order['id']}/photos",
        files={"file": ("stairs-3-1.jpg", _photo(), "image/jpeg")},
    )
    return int(order["id"]), int(photo["id"])


def _assigned(world: ApiWorld, *, done: bool) -> tuple[int, int, int]:
    """The contractor and a work order with its photo assigned to it (and done):
    (contractor id, work order id, photo voucher id)."""
    contractor = world.call("POST", "steward", "/contractors", json={"name": CONTRACTOR})
    order_id, photo_id = _work_order(world)
    step = f"/work-orders/{order_id}/status"
    world.call(
        "POST", "steward", step, json={"status": "assigned", "contractor_id": contractor["id"]}
    )
    if done:
        world.call("POST", "steward", step, json={"status": "done"})
    return int(contractor["id"]), order_id, photo_id


def _claims(world: ApiWorld) -> list[dict[str, object]]:
    return list(world.call("GET", "steward", "/claims"))


def test_repair_to_submitted_claim_in_six_taps_photo_reaches_the_approver(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
    tmp_path: Path,
) -> None:
    server, page = live_server, phone375
    world = build_api_world(server)
    contractor_id, order_id, photo_id = _assigned(world, done=True)

    # a chosen photo shows at once (picture and file name), before the upload tap
    sign_in(page, server, "wanghong")
    page.goto(f"{server.url}/staff/{world.slug}/work-orders/{order_id}")
    chosen = tmp_path / "after-repair.jpg"
    chosen.write_bytes(_photo(colour=(200, 160, 60)))
    page.locator("#f-camera").set_input_files(str(chosen))
    shown = page.locator("[data-preview] figure")
    expect(shown).to_have_count(1)
    expect(shown.locator("small")).to_contain_text("after-repair.jpg")
    page.wait_for_function("document.querySelector('[data-preview] img').naturalWidth === 240")
    expect(page.locator("label[for=f-camera] [data-chosen]")).to_contain_text("已选 1 个文件")
    fits(page)
    shoot(page, server, "repair-photo-chosen", phone=PHONE_375)

    # from the staff home to a submitted claim, every tap counted
    page.goto(server.url + "/staff")
    taps = Taps(page)
    taps.tap("section.estate a[href$='/work-orders']")
    taps.tap(f"a.order-row[href$='/work-orders/{order_id}']")
    expect(page).to_have_url(f"{server.url}/staff/{world.slug}/work-orders/{order_id}")
    fits(page)
    shoot(page, server, "repair-work-order", phone=PHONE_375)
    taps.tap("#claim-from-order")
    # prefilled from the work order: payee, description, one line, the photo ticked
    expect(page.locator("#f-payee")).to_have_value(CONTRACTOR)
    expect(page.locator("#f-description")).to_have_value(
        "3幢1单元 三楼楼道 声控灯不亮，晚上看不见台阶"
    )
    expect(page.locator("#f-work_order_id")).to_have_value(str(order_id))
    expect(page.locator("#f-quantity-0")).to_have_value("1")
    expect(page.locator("#f-unit-0")).to_have_value("项")
    expect(page.locator(f"#order-photos input[value='{photo_id}']")).to_be_checked()
    page.wait_for_function("document.querySelector('#order-photos img').naturalWidth === 240")
    assert "孙三" not in page.locator("form.claim-form").inner_text()
    page.fill("#f-unit_price-0", "380")
    taps.count += 1  # typing the amount is one tap
    expect(page.locator("[data-total]")).to_have_text("380.00")
    fits(page)
    shoot(page, server, "repair-claim-prefilled", phone=PHONE_375)
    taps.tap("#submit-claim")
    expect(page.locator("[role=status]")).to_contain_text("已提交业委会审批")
    assert taps.count <= 6, taps.count
    assert taps.count == 5
    expect(page.locator("#vouchers img[alt^='现场照片']")).to_have_count(1)
    fits(page)
    shoot(page, server, "repair-claim-submitted", phone=PHONE_375)

    (claim,) = _claims(world)
    assert claim["status"] == "submitted" and claim["amount"] == "380.00"
    assert claim["payee"] == CONTRACTOR and claim["contractor_id"] == contractor_id
    assert claim["work_order_id"] == order_id
    assert [v["id"] for v in claim["vouchers"]] == [photo_id]  # type: ignore[index]

    # the committee member sees the on-site photo on the approval page
    page.context.clear_cookies()
    sign_in(page, server, "lijun")
    page.click("section.estate a[data-tile=approvals]")
    page.click(".approval-card")
    photo = page.locator(".voucher-links img[alt^='现场照片']")
    expect(photo).to_have_count(1)
    assert (photo.get_attribute("src") or "").endswith(f"/vouchers/{photo_id}/thumbnail")
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "document.querySelector(\".voucher-links img[alt^='现场照片']\").naturalWidth === 240"
    )
    expect(page.locator(".voucher-links")).to_contain_text("现场照片")
    # and the work order the claim came from, linked (issue 17)
    link = page.locator("#approval-work-order")
    expect(link).to_have_text(f"#{order_id}")
    expect(page.locator(".from-order")).to_contain_text("（已完工）：3幢1单元 三楼楼道")
    fits(page)
    shoot(page, server, "repair-approval-photo", phone=PHONE_375)
    link.click()
    expect(page).to_have_url(f"{server.url}/staff/{world.slug}/work-orders/{order_id}")


def test_prefilled_claim_is_checked_again_by_the_server(
    live_server: LiveServer,
    phone375: Page,  # noqa: F811
) -> None:
    """The insider: the prefilled form is only a start. A payee changed to an owner's name is
    refused next to the field; a voucher id of another estate slipped into the form, or sent
    over the API, is refused by the same words as one that does not exist; a photo of another
    work order or one already backing a live claim is refused too. Nothing is saved."""
    server, page = live_server, phone375
    world = build_api_world(server)
    _, order_id, photo_id = _assigned(world, done=False)
    other_order, other_photo = _work_order(world)

    # another estate with its own steward and a work order photo
    elsewhere = ApiWorld(server, "meihua", world.admin)
    elsewhere.call(
        "POST",
        "admin",
        f"{server.url}/api/v1/estates",
        json={"slug": "meihua", "name": "梅花小区", "community": "梅花社区"},
    )
    elsewhere.person("liuqiang", "刘强", "steward", "steward")
    _, foreign_photo = _work_order(elsewhere)

    sign_in(page, server, "wanghong")
    page.goto(f"{server.url}/staff/{world.slug}/claims/new?work_order={order_id}")
    page.fill("#f-unit_price-0", "380")
    page.fill("#f-payee", "孙三")  # an owner of this estate: personal data, never in the ledger
    page.click("#submit-claim")
    expect(page.locator("#e-payee")).to_be_visible()
    expect(page.locator("#f-unit_price-0")).to_have_value("380")
    fits(page)
    shoot(page, server, "repair-claim-payee-refused", phone=PHONE_375)
    assert _claims(world) == []

    # the form's photo box is edited to name another estate's voucher
    page.fill("#f-payee", CONTRACTOR)
    page.eval_on_selector(
        f"#order-photos input[value='{photo_id}']", f"e => e.value = '{foreign_photo}'"
    )
    page.click("#submit-claim")
    expect(page.locator("#e-photo_ids")).to_contain_text(f"凭证 {foreign_photo} 不是")
    assert _claims(world) == []

    # the same over the API, with the steward's token
    body = {
        "payee": CONTRACTOR,
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": "3幢1单元 三楼楼道 声控灯",
        "work_date": "2026-03-02",
        "work_order_id": order_id,
        "lines": [{"description": "声控灯", "quantity": 1, "unit": "项", "unit_price": "380"}],
    }
    for wrong in (foreign_photo, other_photo, 999_999):
        refused = httpx.post(
            f"{world.base}/claims",
            json={**body, "photo_ids": [wrong]},
            headers=world.people["steward"],
            timeout=30,
        )
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        fields = {e["field"]: e for e in problem["errors"]}
        assert fields["photo_ids[0]"]["code"] == "settlements.photo_not_of_order"
        assert "meihua" not in refused.text and "梅花" not in refused.text
    assert _claims(world) == []

    # its own photo is accepted; a second live claim cannot take the same photo
    first = world.call("POST", "steward", "/claims", json={**body, "photo_ids": [photo_id]})
    assert [v["id"] for v in first["vouchers"]] == [photo_id]
    twice = httpx.post(
        f"{world.base}/claims",
        json={**body, "photo_ids": [photo_id]},
        headers=world.people["steward"],
        timeout=30,
    )
    assert twice.status_code == 422, twice.text
    assert twice.json()["errors"][0]["code"] == "settlements.photo_on_other_claim"
    # voided, the photo is free for the claim that replaces it
    world.call("POST", "steward", f"/claims/{first['id']}/void")
    again = world.call("POST", "steward", "/claims", json={**body, "photo_ids": [photo_id]})
    assert [v["id"] for v in again["vouchers"]] == [photo_id]
    # an edit that leaves the photo list out keeps the photo; an empty list removes it
    kept = world.call("PUT", "steward", f"/claims/{again['id']}", json=body)
    assert [v["id"] for v in kept["vouchers"]] == [photo_id]
    emptied = world.call("PUT", "steward", f"/claims/{again['id']}", json={**body, "photo_ids": []})
    assert emptied["vouchers"] == []
    assert other_order != order_id
