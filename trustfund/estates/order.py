"""Natural order of buildings, entrances and rooms: ``2`` before ``10``, ``3幢`` before
``12幢``, ``A2`` before ``A10``. One key for every page, list and export that shows
addresses; pure."""

from __future__ import annotations

import re
from typing import Any

_PARTS = re.compile(r"(\d+)")


def natural_key(text: object) -> tuple[Any, ...]:
    """Sort key of one address part: digit runs compare as numbers, the rest as text.

    >>> sorted(["10", "2", "1", "11"], key=natural_key)
    ['1', '2', '10', '11']
    """
    value = "" if text is None else str(text)
    # (0, n) for numbers and (1, s) for text, so a number and a word never compare directly
    return tuple(
        (0, int(part), part) if part.isdigit() else (1, part) for part in _PARTS.split(value)
    )


def address_key(building: object, entrance: object = "", room: object = "") -> tuple[Any, ...]:
    """Sort key of a whole address (幢, 单元, 室), each part in natural order."""
    return (natural_key(building), natural_key(entrance), natural_key(room))
