"""Random secrets handed to clients, and the digests we keep instead of them."""

from __future__ import annotations

import hashlib
import secrets

#: Every API token starts with this, so a leaked one is easy to recognise (and to grep for).
TOKEN_PREFIX = "tf_"  # noqa: S105 (a marker, not a secret)


def new_secret(prefix: str = "") -> str:
    """A fresh random secret (256 bits, URL-safe), optionally prefixed."""
    return prefix + secrets.token_urlsafe(32)


def sha256_hex(secret: str) -> str:
    """The digest stored in the database in place of ``secret``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
