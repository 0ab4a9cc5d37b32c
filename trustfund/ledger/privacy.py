"""What the personal-data check compares: texts, names and phone numbers brought to one form.

The ledger is public (DESIGN principle 6), so an entry that names an owner or carries a phone
number is refused. Comparing the raw text is easy to bypass — ``鲁 磊``, ``鲁<U+200B>磊``,
``138.0000.0001``, ``１３８００００００００１`` all looked different from ``鲁磊`` and
``13800000001``. Here each side is brought to a *key* before anything is compared:

- ``text_key``: NFKC (full-width and compatibility forms folded: ``１`` → ``1``, ``①`` → ``1``,
  ``ｌｅｉ`` → ``lei``), case folded, every decimal digit of any script made ASCII
  (``١٣٨`` → ``138``), and every character dropped that is not a letter or a digit — spaces,
  punctuation, symbols, controls and format characters (the zero-width U+200B/C/D, U+2060,
  U+FEFF, the soft hyphen) and combining marks (variation selectors are invisible too)::

      text_key("鲁\u200b磊")      == "鲁磊"
      text_key("138.0000.0001")   == "13800000001"

- ``number_key``: ``text_key`` with Chinese numerals as digits too (``一三八`` → ``138``), the
  form phone numbers are looked for in;
- ``name_key`` / ``phone_key``: the stored keys of a household's owner name and phone
  (``households.name_key`` / ``phone_key``), or ``None`` when too short to compare safely;
- ``mobile_number_in``: whether a text holds something shaped like a mainland mobile number,
  whoever it belongs to.

Nothing here touches the database; ``journal.service`` runs the comparison in SQL.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Chinese numerals, as ``number_key`` reads them in a phone number (``一三八〇〇…``,
#: also the financial forms ``壹贰叁…``). ``十``/``百`` are not digits of a phone number.
_CHINESE_DIGITS = str.maketrans(
    {
        **{ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")},
        "零": "0",
        **{ch: str(i + 1) for i, ch in enumerate("壹贰叁肆伍陆柒捌玖")},
        **{ch: str(i + 1) for i, ch in enumerate("壹貳參肆伍陸柒捌玖")},
    }
)

#: A name key needs at least this many characters. A one-character key (a surname alone,
#: ``李``) would refuse every text holding that character (``行李``); a Chinese given name is
#: at least one character more, so real names (``鲁磊``) are always compared.
MIN_NAME_KEY = 2
#: Keys of ASCII letters and digits only (``Li Lei`` → ``lilei``) need more: ``ann`` or
#: ``li`` are parts of ordinary words (``annual``, ``lights``).
MIN_ASCII_NAME_KEY = 4
#: Stored keys are at most this long (NFKC can lengthen a 50-character name); a longer key is
#: cut, and its beginning still matches wherever the whole would.
MAX_KEY = 200
#: A phone key needs at least this many digits (a local landline number has 7 or 8).
MIN_PHONE_KEY = 7

#: Mainland mobile numbers: 11 digits starting 13–19, with an optional country code.
_MOBILE = re.compile(r"(?:0{0,2}86)?(1[3-9]\d{9})")
#: Digits standing alone in the text (nothing but digits on either side).
_BARE_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_DIGIT_RUN = re.compile(r"\d+", re.ASCII)
#: Runs of digits long enough to hold a phone key.
_PHONE_RUN = re.compile(rf"\d{{{MIN_PHONE_KEY},}}", re.ASCII)
#: Where a list of numbers is usually split (``13800000001/13900000002``).
_LIST_SEPARATORS = re.compile(r"[,，;；/、|\n]+")


@functools.lru_cache(maxsize=4096)
def _keep(ch: str) -> str:
    category = unicodedata.category(ch)
    if category[0] in "ZPSCM":
        return ""
    digit = unicodedata.decimal(ch, None)
    return str(digit) if digit is not None else ch


def text_key(text: str) -> str:
    """``text`` as the name check reads it: NFKC, case folded, only letters and digits left,
    every digit ASCII (see the module's docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(map(_keep, folded))


def number_key(text: str) -> str:
    """``text_key`` with Chinese numerals read as digits: where phone numbers are looked for."""
    return text_key(text).translate(_CHINESE_DIGITS)


def name_key(name: str | None) -> str | None:
    """The key of an owner's name, or ``None`` when it is too short to compare without
    refusing ordinary words (``MIN_NAME_KEY``; ``MIN_ASCII_NAME_KEY`` for Latin letters)."""
    key = text_key(name or "")[:MAX_KEY]
    least = MIN_ASCII_NAME_KEY if key.isascii() else MIN_NAME_KEY
    return key if len(key) >= least else None


def phone_key(phone: str | None) -> str | None:
    """The digits of a phone number as they would appear in a text: a mobile without its
    country code (``+86 138-0000-0001`` → ``13800000001``), a landline without its area code
    (``0574-87000001`` → ``87000001``, so the local number written alone is found too).
    ``None`` for fewer than ``MIN_PHONE_KEY`` digits."""
    digits = "".join(ch for ch in number_key(phone or "") if ch.isdigit())
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        digits = mobile.group(1)
    elif digits.startswith("0") and len(digits) >= 10:
        # area codes: 010 and 02x have three digits, the others four
        digits = digits[3:] if digits[1] in "12" else digits[4:]
    return digits if len(digits) >= MIN_PHONE_KEY else None


def phone_runs(key: str) -> list[str]:
    """The runs of digits in a ``number_key`` long enough to hold a phone key: a phone key
    (digits only) is in the key exactly when it is in one of these."""
    return _PHONE_RUN.findall(key)


def mobile_number_in(text: str) -> bool:
    """Whether ``text`` holds a mainland mobile number, however written: a run of digits
    (spaces, dots, dashes and invisible characters between them ignored, any script's digits
    or Chinese numerals) that is one whole mobile number, optionally after ``86``; or eleven
    digits written together with no other digit next to them.

    Runs are taken in the whole text and in each piece between list separators (``,`` ``/``
    ``、`` …), so ``13800000001/13900000002`` is found while dates, amounts, receipt numbers
    and household codes (``2026-000123``, ``1,385.00``, ``H-7K2Q9D``) are not mistaken for
    one::

        mobile_number_in("电话 138.0000.0001")  -> True
        mobile_number_in("收据2026-000123")     -> False
    """
    plain = unicodedata.normalize("NFKC", text).translate(_CHINESE_DIGITS)
    plain = "".join(
        str(d) if (d := unicodedata.decimal(ch, None)) is not None else ch for ch in plain
    )
    if _BARE_MOBILE.search(plain):
        return True
    for piece in (text, *_LIST_SEPARATORS.split(text)):
        for run in _DIGIT_RUN.findall(number_key(piece)):
            if _MOBILE.fullmatch(run):
                return True
    return False
