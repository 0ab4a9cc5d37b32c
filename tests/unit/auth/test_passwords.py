from __future__ import annotations

from trustfund.auth.passwords import (
    MIN_LENGTH,
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)


def test_hash_is_argon2id_salted_and_verifies() -> None:
    first, second = hash_password("长长的密码 123"), hash_password("长长的密码 123")
    assert first.startswith("$argon2id$")
    assert first != second
    assert "长长的密码" not in first
    assert verify_password(first, "长长的密码 123")
    assert verify_password(second, "长长的密码 123")
    assert not verify_password(first, "长长的密码 124")
    assert not needs_rehash(first)


def test_malformed_hash_never_matches() -> None:
    assert not verify_password("not-a-hash", "anything")
    assert not verify_password("", "")
    assert needs_rehash("not-a-hash")


def test_dummy_hash_is_stable_and_matches_no_ordinary_password() -> None:
    assert dummy_hash() == dummy_hash()
    assert not verify_password(dummy_hash(), "password")


def test_password_rules() -> None:
    assert password_problems("x" * MIN_LENGTH) == []
    [short] = password_problems("x" * (MIN_LENGTH - 1))
    assert (short.field, short.reason) == ("password", f"must be at least {MIN_LENGTH} characters")
    assert password_problems(" " * 12)[0].reason == "must not be only spaces"
    assert password_problems("x" * 2000)[0].reason.startswith("must be at most")
