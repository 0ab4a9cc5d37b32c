from __future__ import annotations

import hashlib

from trustfund.auth.digest import TOKEN_PREFIX, new_secret, sha256_hex


def test_secrets_are_random_prefixed_and_long() -> None:
    tokens = {new_secret(TOKEN_PREFIX) for _ in range(100)}
    assert len(tokens) == 100
    assert all(t.startswith("tf_") and len(t) >= 46 for t in tokens)


def test_digest_is_sha256_hex() -> None:
    assert sha256_hex("tf_abc") == hashlib.sha256(b"tf_abc").hexdigest()
    assert len(sha256_hex(new_secret())) == 64
