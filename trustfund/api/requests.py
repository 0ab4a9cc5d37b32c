"""The request class of the app: JSON bodies are refused past a sane nesting depth.

msgspec decodes nested arrays and objects by recursion and gives up with a ``RecursionError``
(a 500) somewhere below Python's recursion limit; and a deep value that does decode can still
exhaust the stack later (validation, ``json.dumps`` of stored metadata). No body this app
takes nests deeper than a handful of levels, so every JSON body nested deeper than
``MAX_JSON_DEPTH`` is refused with a 422 naming ``body`` before it is decoded.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from litestar import Request

from trustfund.errors import ValidationError
from trustfund.messages import Message

MAX_JSON_DEPTH = 32

#: JSON strings (brackets inside them do not nest), by the unrolled-loop pattern: linear.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a scalar). Linear in the
    size of the body, in C loops; a malformed text gives some number and fails decoding."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


class TrustfundRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        """The decoded JSON body. Raises ValidationError (field ``body``) when it nests
        deeper than ``MAX_JSON_DEPTH``."""
        if json_depth(await self.body()) > MAX_JSON_DEPTH:
            raise ValidationError.field(
                "body", Message("input.json_too_deep", levels=MAX_JSON_DEPTH)
            )
        return await super().json()
