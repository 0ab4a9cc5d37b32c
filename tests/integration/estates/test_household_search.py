"""One search box for a household (issue 17): the steward types what the owner says —
``3-1-502``, ``3幢1单元502``, ``3幢502``, a room number, a name, a phone or its last four
digits — and a single match opens the household. Buildings and rooms come in natural order
(2 before 10). The estate is built from an empty database through the API."""

from __future__ import annotations

import re

from tests.integration.estates.public_setup import Headers, Installation

#: Buildings 1, 2, 3, 10, 11 (imported out of order); room 502 in several of them.
REGISTER = (
    "幢,单元,室,状态,业主,电话\n"
    "10,1,502,自住,赵一,13900000010\n"
    "3,2,502,自住,钱二,13900000032\n"
    "3,1,502,自住,孙三,13912345678\n"
    "3,1,1001,自住,李四,0574-87654321\n"
    "3,1,101,空户,,\n"
    "11,1,101,自住,周五,13900000011\n"
    "2,1,502,自住,吴六,13900000002\n"
    "1,1,201,自住,郑七,13900000001\n"
    "1,1,10,自住,王八,13900000009\n"
    "1,1,9,自住,冯九,13900000019\n"
)


def register(tf: Installation, slug: str = "sou") -> Headers:
    tf.estate(slug)
    steward = tf.person("steward", "steward", slug)
    done = tf.client.post(
        f"/api/v1/estates/{slug}/households/import",
        files={"file": ("register.csv", REGISTER.encode(), "text/csv")},
        headers=steward,
    )
    assert done.status_code == 201, done.text
    return steward


def code_of(tf: Installation, steward: Headers, building: str, entrance: str, room: str) -> str:
    listed = tf.client.get(
        "/api/v1/estates/sou/households", params={"building": building}, headers=steward
    )
    assert listed.status_code == 200, listed.text
    for h in listed.json()["items"]:
        if (h["entrance"], h["room"]) == (entrance, room):
            return str(h["code"])
    raise AssertionError(f"no {building}-{entrance}-{room}")


def search(tf: Installation, steward: Headers, text: str) -> tuple[int, str]:
    answer = tf.client.get(
        "/staff/sou/households", params={"q": text}, headers=steward, follow_redirects=False
    )
    return answer.status_code, answer.headers.get("location") or answer.text


def rooms_listed(html: str) -> list[str]:
    """The room tiles of the results, as "3幢1单元 502"."""
    results = html.split('id="results"', 1)[1].split('id="buildings"', 1)[0]
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r'<a href="/staff/sou/households/H-[^"]+"[^>]*>\s*([^<]*)', results)
    ]


def test_one_search_box_understands_addresses_names_and_phones(installation: Installation) -> None:
    tf = installation
    steward = register(tf)
    target = f"/staff/sou/households/{code_of(tf, steward, '3', '1', '502')}"

    for text in ("3-1-502", "3幢1单元502", "3幢1单元502室", " 3 - 1 - 502 ", "孙三", "13912345678"):
        assert search(tf, steward, text) == (303, target), text
    assert search(tf, steward, "5678") == (303, target)  # the last four digits of the phone
    # a landline with its area code, typed with or without the dash
    landline = f"/staff/sou/households/{code_of(tf, steward, '3', '1', '1001')}"
    assert search(tf, steward, "87654321") == (303, landline)
    assert search(tf, steward, "0574-87654321") == (303, landline)

    # 3幢502: room 502 of building 3, both entrances
    status, html = search(tf, steward, "3幢502")
    assert status == 200
    assert rooms_listed(html) == ["3幢1单元 502", "3幢2单元 502"]
    # a bare room number: exact rooms first, each group in natural order (2 before 10)
    status, html = search(tf, steward, "502")
    assert status == 200
    assert rooms_listed(html) == ["2幢1单元 502", "3幢1单元 502", "3幢2单元 502", "10幢1单元 502"]
    status, html = search(tf, steward, "10")
    assert rooms_listed(html)[:1] == ["1幢1单元 10"]  # the exact room before 1001
    status, html = search(tf, steward, "没有这个人")
    assert status == 200 and "没有找到住户" in html
    # the old room-only parameter still works
    assert search(tf, steward, "3-2-502")[0] == 303


def test_buildings_and_rooms_in_natural_order(installation: Installation) -> None:
    tf = installation
    steward = register(tf)
    page = tf.client.get("/staff/sou/households", headers=steward).text
    assert re.findall(r"households\?building=(\w+)#rooms", page) == ["1", "2", "3", "10", "11"]
    home = tf.client.get("/staff", headers=steward).text
    assert re.findall(r"households\?building=(\w+)#rooms", home) == ["1", "2", "3", "10", "11"]
    building = tf.client.get("/staff/sou/households?building=1", headers=steward).text
    assert rooms_listed(building) == ["9", "10", "201"]
    # rooms come before the building grid once a building is chosen
    assert building.index('id="rooms"') < building.index('id="buildings"')
    listed = tf.client.get("/api/v1/estates/sou/households", headers=steward).json()["items"]
    assert [(h["building"], h["room"]) for h in listed][:4] == [
        ("1", "9"),
        ("1", "10"),
        ("1", "201"),
        ("2", "502"),
    ]
