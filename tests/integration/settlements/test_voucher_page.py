"""The 凭证公开 page's form through the HTTP client, on an estate built through the API: a
value that is neither 公开 nor 撤回 is refused at 422 with the catalog's Chinese under the
field, nothing changed; the steward (who uploads vouchers) gets 403 on the POST itself, as
from the API's PUT; a committee member publishes and withdraws, and the public API follows."""

from __future__ import annotations

from tests.api_flows import claim_with_voucher
from tests.integration.estates.public_setup import Installation
from tests.integration.staff_setup import SLUG, field_error, installation, open_estate  # noqa: F401


def public_view(tf: Installation, voucher_id: int) -> bool:
    answer = tf.client.get(f"/api/v1/public/estates/{SLUG}/vouchers/{voucher_id}")
    assert answer.status_code == 200, answer.text
    return not answer.json()["contains_personal_data"]


def test_only_an_approver_decides_and_a_bad_choice_is_named(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    call = open_estate(tf)
    voucher = claim_with_voucher(call, "steward")["voucher"]
    url = f"/staff/{SLUG}/vouchers/{voucher['id']}/public"

    refused = tf.client.post(
        url, data={"public": "maybe", "shown": "withheld"}, headers=tf.people["committee"]
    )
    assert refused.status_code == 422, refused.text[:300]
    assert field_error(refused.text, "public") == "请选择公开或不公开"
    assert public_view(tf, voucher["id"]) is False

    for who in ("steward",):  # uploads vouchers, may not publish them
        denied = tf.client.post(url, data={"public": "1"}, headers=tf.people[who])
        assert denied.status_code == 403, (who, denied.text[:300])
        api = tf.client.put(
            f"/api/v1/estates/{SLUG}/vouchers/{voucher['id']}/public",
            json={"public": True},
            headers=tf.people[who],
        )
        assert api.status_code == 403
    assert public_view(tf, voucher["id"]) is False

    for who, choice, shown in (("committee", "1", True), ("council", "0", False)):
        done = tf.client.post(
            url,
            data={"public": choice, "shown": "<script>"},
            headers=tf.people[who],
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text[:300]
        assert done.headers["location"] == f"/staff/{SLUG}/vouchers?shown=withheld&done={choice}"
        assert public_view(tf, voucher["id"]) is shown

    missing = tf.client.post(
        f"/staff/{SLUG}/vouchers/999/public", data={"public": "1"}, headers=tf.people["committee"]
    )
    assert missing.status_code == 404
