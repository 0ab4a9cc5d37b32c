"""What a valid slug, phone number, address part, area and household code look like.

Pure functions shared by the services, the importer and the CLI. Each ``clean_*`` returns
the normalised value or raises ``ValueError`` whose message is the reason shown to the user
(callers wrap it in a ``FieldError`` naming the field).
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Container
from decimal import Decimal

from trustfund.ledger.money import fold_wide, parse_decimal
from trustfund.messages import Invalid, Message, reason_of

#: Estate slugs appear in URLs and ledger file names.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")

#: Household codes: ``H-`` + 6 characters from an alphabet without look-alikes (no 0/O, 1/I).
#: 32⁶ ≈ 1.07 billion codes, so a random draw in an estate of a few thousand households
#: collides with probability about one in a million; ``new_household_code`` redraws then.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_PREFIX = "H-"
CODE_LENGTH = 6
CODE_RE = re.compile(rf"^{CODE_PREFIX}[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

#: Mainland mobile numbers: 11 digits starting 13–19.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
#: Landlines: an area code (0 + 2–3 digits) and a 7–8 digit number, or the local number alone.
LANDLINE_RE = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}$")

#: Suffixes residents write after the number ("3幢", "2单元", "101室") that we drop.
BUILDING_SUFFIXES = ("号楼", "幢", "栋", "号")
ENTRANCE_SUFFIXES = ("单元", "号")
ROOM_SUFFIXES = ("室", "号")

MAX_AREA = Decimal("9999.99")


def clean_slug(value: str) -> str:
    slug = value.strip()
    if not SLUG_RE.fullmatch(slug):
        raise Invalid(Message("estates.slug_invalid"))
    return slug


def clean_required_text(value: str | None, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(Message("input.is_required"))
    if len(text) > max_length:
        raise Invalid(Message("estates.longer_than_characters", max_length=max_length))
    return text


def clean_optional_text(value: str | None, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise Invalid(Message("estates.longer_than_characters", max_length=max_length))
    return text


def clean_phone(value: str | None) -> str | None:
    """A mainland mobile (``13800000001``) or landline (``0574-87000001``, ``87000001``).

    Spaces, a ``+86``/``86`` prefix and, for mobiles, hyphens are removed. Empty → ``None``.
    """
    text = re.sub(r"[\s\u3000]", "", value or "")
    if not text:
        return None
    if text.startswith("+86"):
        text = text[3:]
    mobile = text.replace("-", "")
    if len(mobile) == 13 and mobile.startswith("86"):
        mobile = mobile[2:]
    if MOBILE_RE.fullmatch(mobile):
        return mobile
    if LANDLINE_RE.fullmatch(text):
        return text
    raise Invalid(Message("estates.not_a_phone", value=value))


def _address_part(value: str | None, suffixes: tuple[str, ...], max_length: int) -> str:
    text = re.sub(r"\s+", "", value or "")
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if not text or text in suffixes:
        raise Invalid(Message("input.is_required"))
    if len(text) > max_length:
        raise Invalid(Message("estates.longer_than_characters", max_length=max_length))
    if not all(ch.isalnum() or ch in "-_/#" for ch in text):
        raise Invalid(Message("estates.address_part_chars", value=value))
    return text


def clean_building(value: str | None) -> str:
    """``"3幢"``, ``"3号楼"`` and ``"3"`` all name building ``"3"``."""
    return _address_part(value, BUILDING_SUFFIXES, 20)


def clean_entrance(value: str | None) -> str:
    return _address_part(value, ENTRANCE_SUFFIXES, 10)


def clean_room(value: str | None) -> str:
    return _address_part(value, ROOM_SUFFIXES, 20)


def clean_area(value: str | Decimal | int | float | None) -> Decimal | None:
    """Floor area in m², positive, at most two decimals (rounded from spreadsheet floats);
    text is read by ``ledger.money.parse_decimal`` after ``fold_wide`` and an ``m²`` suffix."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        area = Decimal(repr(value))
        if not area.is_finite():
            raise Invalid(Message("estates.area_not_a_number", value=value))
        area = area.quantize(Decimal("0.01"))
    else:
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        text = fold_wide(text).removesuffix("m²").removesuffix("㎡").rstrip()
        try:
            area = parse_decimal(text, places=2, limit=MAX_AREA)
        except ValueError as exc:
            raise Invalid(
                Message("estates.area_invalid", value=value, reason=reason_of(exc))
            ) from None
    if area <= 0 or area > MAX_AREA:
        raise Invalid(Message("estates.area_out_of_range", value=value, max_area=MAX_AREA))
    return area.quantize(Decimal("0.01"))


def new_household_code(taken: Container[str], rng: random.Random | None = None) -> str:
    """A fresh opaque code not in ``taken``. Random (from ``secrets`` unless a seeded
    ``rng`` is given, as the demo does); never derived from address or owner."""
    while True:
        if rng is None:
            body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        else:
            body = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code = CODE_PREFIX + body
        if code not in taken:
            return code


#: One address cell: ``3-1-502`` or ``3幢1单元502室`` (also 栋/号楼, spaces allowed).
ADDRESS_RE = re.compile(
    r"(?P<building>[^-\s幢栋]+?)\s*(?:号楼|幢|栋|-)\s*"
    r"(?P<entrance>[^-\s]+?)\s*(?:单元|-)\s*"
    r"(?P<room>[^-\s]+?)\s*室?"
)


def clean_address(value: str | None) -> tuple[str, str, str]:
    """``"3-1-502"`` or ``"3幢1单元502室"`` → ``("3", "1", "502")``."""
    text = (value or "").strip()
    if not text:
        raise Invalid(Message("input.is_required"))
    match = ADDRESS_RE.fullmatch(text)
    if match is None:
        raise Invalid(Message("estates.not_an_address", text=text))
    return (
        clean_building(match["building"]),
        clean_entrance(match["entrance"]),
        clean_room(match["room"]),
    )
