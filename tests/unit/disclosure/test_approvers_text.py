"""How approvers read on the public pages (issue 16 item 6): counted by role, or by name."""

from __future__ import annotations

from trustfund.disclosure.signoff import approvers_text


def test_approvers_are_counted_by_role_never_repeated() -> None:
    assert approvers_text(["业委会委员", "业委会委员"]) == "业委会委员2人"
    assert approvers_text(["业委会委员"]) == "业委会委员1人"
    assert (
        approvers_text(["理事会成员", "业委会委员", "理事会成员"]) == "理事会成员2人、业委会委员1人"
    )
    assert approvers_text([]) == "—"


def test_named_approvers_by_name_everyone_else_by_role() -> None:
    assert approvers_text(["业委会委员", "业委会委员"], ["李军", "赵敏"]) == "李军、赵敏"
    assert approvers_text(["业委会委员", "理事会成员"], ["李军", ""]) == "李军、理事会成员1人"
    # fewer names than roles: the rest by role
    assert approvers_text(["业委会委员", "业委会委员"], ["李军"]) == "李军、业委会委员1人"
