"""The household page for changes after import: the steward corrects and records an
occupancy change there (kept in the history, shown in Chinese); others only read."""

from __future__ import annotations

from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_household_changes import code_at, history
from tests.integration.estates.test_import_samples import estate_with_register


def test_steward_corrects_and_changes_occupancy_on_the_page(installation: Installation) -> None:
    tf = installation
    steward, committee = estate_with_register(tf)
    code = code_at(tf, steward, "3", "502")
    url = f"/staff/yh/households/{code}/edit"

    shown = tf.client.get(url, headers=steward)
    assert shown.status_code == 200
    assert "按当年 1 月 1 日的入住状态开征" in shown.text and "更正资料" in shown.text
    assert (
        'href="/staff/yh/households/' + code + '/edit"'
        in tf.client.get(f"/staff/yh/households/{code}", headers=steward).text
    )

    form = {
        "building": "3",
        "entrance": "1",
        "room": "502",
        "owner_name": "杨磊",
        "phone": "13600000006",
        "area_m2": "68.20",
        "note": "补登电话",
    }
    saved = tf.client.post(url, data=form, headers=steward, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert history(tf, steward, code) == [
        ("correct", "phone", None, "13600000006", "steward", "page")
    ]
    bad = tf.client.post(url, data={**form, "room": "501"}, headers=steward, follow_redirects=False)
    assert bad.status_code == 409  # 501 is another household's
    assert "已是另一户" in bad.text
    bad = tf.client.post(url, data={**form, "phone": "123"}, headers=steward)
    assert bad.status_code == 422
    assert "不是有效的手机号码" in bad.text
    same = tf.client.post(url, data=form, headers=steward)
    assert same.status_code == 422 and "没有修改任何内容" in same.text

    occupancy = f"/staff/yh/households/{code}/occupancy"
    moved = tf.client.post(
        occupancy,
        data={"status": "occupied", "effective_from": "2026-11-01", "note": "出租"},
        headers=steward,
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    early = tf.client.post(
        occupancy, data={"status": "vacant", "effective_from": "2026-10-01"}, headers=steward
    )
    assert early.status_code == 409 and "须晚于 2026-11-01" in early.text
    page = tf.client.get(url + "?saved=1", headers=steward).text
    assert "已保存" in page and "入住状态：空户 → 在住（2026-11-01 起）" in page
    assert "电话：— → 13600000006" in page and "网页" in page

    # the committee reads the history but has no forms and cannot post
    read = tf.client.get(url, headers=committee)
    assert read.status_code == 200 and "更正资料" not in read.text and "13600000006" in read.text
    assert tf.client.post(url, data=form, headers=committee).status_code == 403
    assert (
        tf.client.post(
            occupancy, data={"status": "vacant", "effective_from": "2026-12-01"}, headers=committee
        ).status_code
        == 403
    )


def test_register_update_on_the_import_page_previews_then_applies(
    installation: Installation,
) -> None:
    import base64
    import re

    from tests.integration.estates.test_import_update import BARE, FULL, as_file

    tf = installation
    tf.estate("yh")
    steward = tf.person("steward", "steward", "yh")
    first = tf.client.post("/staff/yh/import", files=as_file(BARE), headers=steward)
    assert first.status_code == 200 and "新增 8 户" in first.text

    preview = tf.client.post(
        "/staff/yh/import", data={"mode": "update"}, files=as_file(FULL), headers=steward
    )
    assert preview.status_code == 200, preview.text
    assert "预览：register.csv（尚未写入）" in preview.text
    assert "将新增 0 户，更新 8 户" in preview.text
    assert "业主：— → 王芳" in preview.text
    items = tf.client.get("/api/v1/estates/yh/households", headers=steward).json()["items"]
    assert {h["owner_name"] for h in items} == {None}  # a preview writes nothing

    def hidden(name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', preview.text)
        assert found is not None, name
        return found[1]

    confirm = {
        "mode": "update",
        "confirm": hidden("confirm"),
        "filename": hidden("filename"),
        "payload": hidden("payload"),
    }
    assert base64.b64decode(confirm["payload"]) == as_file(FULL)["file"][1]
    forged = dict(confirm, payload=base64.b64encode(as_file(BARE)["file"][1]).decode())

    def multipart(fields: dict[str, str]) -> dict[str, tuple[None, str]]:
        """The confirm form as a browser sends it (multipart, fields only)."""
        return {name: (None, value) for name, value in fields.items()}

    refused = tf.client.post("/staff/yh/import", files=multipart(forged), headers=steward)
    assert refused.status_code == 409 and "请重新选择文件预览" in refused.text

    applied = tf.client.post("/staff/yh/import", files=multipart(confirm), headers=steward)
    assert applied.status_code == 200, applied.text
    assert "更新 8 户" in applied.text
    items = tf.client.get("/api/v1/estates/yh/households", headers=steward).json()["items"]
    assert items[0]["owner_name"] == "王芳"
    changes = tf.client.get(
        f"/api/v1/estates/yh/households/{items[0]['code']}/changes", headers=steward
    ).json()
    assert {(c["kind"], c["via"], c["changed_by"]) for c in changes} == {
        ("import", "page", "steward")
    }
