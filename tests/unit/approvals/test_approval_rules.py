"""Approval rules on their own: the double majority, majorities, tier validation, hashing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trustfund.approvals.rules import (
    DEFAULT_TIERS,
    Tier,
    majority_of,
    owners_vote_passes,
    parse_tiers,
    validate_tiers,
)
from trustfund.approvals.service import canonical, content_hash
from trustfund.auth.principal import Role
from trustfund.errors import ValidationError

D = Decimal


def vote(hv: int, hf: int, av: str, af: str, ht: int = 100, at: str = "1000.00") -> bool:
    return owners_vote_passes(
        households_total=ht,
        households_voted=hv,
        households_for=hf,
        area_total=D(at),
        area_voted=D(av),
        area_for=D(af),
    )


def test_double_majority_needs_more_than_half_on_all_four_counts() -> None:
    assert vote(51, 26, "500.01", "250.01")
    assert not vote(50, 26, "600.00", "400.00")  # exactly half the households took part
    assert not vote(60, 40, "500.00", "400.00")  # exactly half the area took part
    assert not vote(60, 30, "600.00", "400.00")  # exactly half the voters in favour
    assert not vote(60, 40, "600.00", "300.00")  # exactly half the voting area in favour


@pytest.mark.parametrize(("n", "needed"), [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (7, 4)])
def test_majority_is_more_than_half(n: int, needed: int) -> None:
    assert majority_of(n) == needed


def test_default_claim_tiers_are_the_documented_thresholds() -> None:
    assert [t.up_to for t in DEFAULT_TIERS] == [D("500.00"), D("5000.00"), D("50000.00"), None]
    assert [t.approvals_needed for t in DEFAULT_TIERS] == [1, 2, None, None]
    assert [t.owners_vote for t in DEFAULT_TIERS] == [False, False, False, True]


def test_tiers_must_ascend_and_end_unlimited() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_tiers(
            [
                Tier(D("1000.00"), 1),
                Tier(D("900.00"), 2),
                Tier(D("5000.00"), 0, Role.STEWARD),
            ]
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {
        "tiers[1].up_to",
        "tiers[2].up_to",
        "tiers[2].approvals_needed",
        "tiers[2].approver_role",
    }
    with pytest.raises(ValidationError):
        validate_tiers([])


def test_parse_tiers_names_bad_fields() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_tiers([{"up_to": "1.005", "approvals_needed": "two"}, {"approvals_needed": 1}])
    assert {e.field for e in caught.value.errors} == {
        "tiers[0].up_to",
        "tiers[0].approvals_needed",
    }
    tiers = parse_tiers([{"up_to": "800", "approvals_needed": 1}, {"approvals_needed": "majority"}])
    assert tiers == [Tier(D("800.00"), 1), Tier(None, None)]


def test_content_is_canonical_sorted_json_with_decimals_as_strings() -> None:
    a = {"payee": "甲", "amount": D("500.00"), "on": date(2026, 3, 1), "lines": [1, 2]}
    b = {"lines": [1, 2], "on": date(2026, 3, 1), "amount": D("500.00"), "payee": "甲"}
    assert canonical(a) == ('{"amount":"500.00","lines":[1,2],"on":"2026-03-01","payee":"甲"}')
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash({**a, "amount": D("500.01")})
