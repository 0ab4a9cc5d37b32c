"""The 参考价格 page's import form through the HTTP client, on an estate built through the
CLI and API: each refusal comes back at 422 naming its field in Chinese (no file, no date,
a bad date, an unknown column; bad cells as a table of row, column and reason) and nothing is
imported; a committee member gets 403 on the POST itself, as from the API; a second version
for the same day is refused (409) as the API refuses it."""

from __future__ import annotations

import html
from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.staff_setup import SLUG, field_error, installation, open_estate  # noqa: F401

GOOD = "编码,名称,单位,单价\nWX-1,更换楼道灯泡,个,15.00\nWX-2,疏通下水管道,次,120.00\n"
URL = f"/staff/{SLUG}/prices/"


def versions(tf: Installation) -> list[Any]:
    answer = tf.client.get(f"/api/v1/estates/{SLUG}/prices", headers=tf.people["steward"])
    assert answer.status_code == 200, answer.text
    return list(answer.json()["versions"])


def send(tf: Installation, who: str, text: str | None, **form: str) -> Any:
    # a browser sends the form as multipart also when no file was chosen: an empty part
    files = {
        "file": ("prices.csv", text.encode(), "text/csv")
        if text is not None
        else ("", b"", "application/octet-stream")
    }
    data = {"effective_from": "2026-01-01", "source": "", **form}
    return tf.client.post(
        URL, data=data, files=files, headers=tf.people[who], follow_redirects=False
    )


def test_each_refusal_names_its_field_and_imports_nothing(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    open_estate(tf, books=False)

    cases: list[tuple[str | None, dict[str, str], str, str]] = [
        (None, {}, "file", "请选择 CSV 或 Excel 文件"),
        (GOOD, {"effective_from": ""}, "effective_from", "请填写从哪一天起"),
        (GOOD, {"effective_from": "2026-13-01"}, "effective_from", "不是日期（请写成 2026-03-01）"),
        (GOOD.replace("单价", "单价,备注"), {}, "file", "备注"),
        (GOOD, {"source": "来" * 201}, "source", "最多 200 个字符"),
    ]
    for text, form, field, chinese in cases:
        refused = send(tf, "steward", text, **form)
        assert refused.status_code == 422, (form, refused.text[:300])
        shown = field_error(refused.text, field)
        assert shown is not None and chinese in shown, (field, shown)

    bad = GOOD.replace("15.00", "-1").replace("WX-2", "WX 2")
    refused = send(tf, "steward", bad)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "2 行有错误，没有导入任何一行" in page
    assert '<td class="num">2</td><td>单价</td>' in page
    assert '<td class="num">3</td><td>编码</td>' in page
    assert versions(tf) == []

    denied = send(tf, "committee", GOOD)
    assert denied.status_code == 403
    api = tf.client.post(
        f"/api/v1/estates/{SLUG}/prices/import?effective_from=2026-01-01",
        files={"file": ("prices.csv", GOOD.encode(), "text/csv")},
        headers=tf.people["committee"],
    )
    assert api.status_code == 403
    assert versions(tf) == []

    imported = send(tf, "steward", GOOD, source="市住建局")
    assert imported.status_code == 303, imported.text[:300]
    assert imported.headers["location"] == f"/staff/{SLUG}/prices?done=2026-01-01"
    [version] = versions(tf)
    assert version["source"] == "市住建局" and len(version["items"]) == 2

    again = send(tf, "steward", GOOD)
    assert again.status_code == 409
    assert "2026-01-01 起生效的参考价已存在" in html.unescape(again.text)
    assert len(versions(tf)) == 1
