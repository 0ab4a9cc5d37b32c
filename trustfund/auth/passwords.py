"""Password hashing with argon2id (argon2-cffi's recommended parameters).

Only the hash is stored. Verifying a sign-in for an unknown user still runs one argon2
verification against a fixed dummy hash, so the answer time does not reveal which user
names exist.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from trustfund.errors import FieldError
from trustfund.messages import Message

MIN_LENGTH = 8
MAX_LENGTH = 1024

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; two calls give different strings)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``. A malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (rehash on sign-in)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash no password matches in practice; verified against for unknown user names."""
    return _hasher.hash("trustfund: no such user, burn the same time")


def password_problems(password: str, field: str = "password") -> list[FieldError]:
    """What is wrong with ``password`` as a new password (empty list: nothing)."""
    if len(password) < MIN_LENGTH:
        return [FieldError(field, Message("input.at_least_chars", limit=MIN_LENGTH))]
    if len(password) > MAX_LENGTH:
        return [FieldError(field, Message("input.at_most_chars", limit=MAX_LENGTH))]
    if not password.strip():
        return [FieldError(field, Message("input.only_spaces"))]
    return []
