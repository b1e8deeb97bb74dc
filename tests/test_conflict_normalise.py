"""Conflict detection on rule wording the independent evaluation set showed the modality test
missing: each pair is found, its near-miss is not, and each conflict carries a witness."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from charter.conflict import conflict_report, opposed, statements
from charter.conflict._deterministic import contained, quantity_clash
from charter.conflict._normalize import stem
from charter.conflict._quantity import find_quantity
from charter.spec import load_project

MakeProject = Callable[..., Path]


def clash(first: str, second: str) -> bool:
    a, b = statements(first, 0), statements(second, 1)
    return any(opposed(x, y) is not None or quantity_clash(x, y) for x in a for y in b)


FOUND = [
    # synonyms: add / include
    ("Do not add a signature to replies.", "Every reply must include a signature."),
    # a rationale clause is not part of the act
    (
        "Do not re-run the tests after formatting.",
        "The agent must re-run the tests after formatting, because formatting can break it.",
    ),
    # an `or` list, one member at a time
    ("Never recommend stocks, bonds, or crypto funds.", "The assistant should recommend bonds."),
    # passive voice read as active
    (
        "Tracing must be enabled for scheduled runs.",
        "The agent must disable tracing for scheduled runs.",
    ),
    # antonyms with both sides positive
    ("Write product names in lowercase.", "Product names must be written in uppercase."),
    # a rule with no modal, against `without`
    (
        "The assistant confirms the amount before sending a payment.",
        "The assistant must send payments without confirming the amount.",
    ),
    # thresholds: a permitted range beyond a required one, required ranges apart
    ("Functions must not be longer than 20 lines.", "Functions may be up to 50 lines long."),
    ("Titles must be at most 72 characters long.", "Titles must be at least 80 characters long."),
    ("A refund request lists exactly two items.", "A refund request must list at most one item."),
    # a preference against its reverse
    (
        "Prefer `wait_for_event` over `wait_with_timeout`.",
        "Tests must always use `wait_with_timeout` instead of `wait_for_event`.",
    ),
    # two stated values of one thing, in words and in signs
    ("A replacement badge costs 15 dollars.", "A replacement badge costs $20."),
    # free of charge against a price, and a duration in other units
    (
        "The assistant must unlock accounts free of charge.",
        "The assistant must charge $5 to unlock accounts.",
    ),
    (
        "Tickets can be reopened within 2 days of closing.",
        "Tickets must not be reopened within 72 hours of closing.",
    ),
    # `can` permits; `skip` forbids its act; a nominalisation meets its verb
    (
        "Guests can be registered at the front desk.",
        "Guests must not be registered at the front desk.",
    ),
    (
        "The assistant must verify the caller's identity.",
        "The assistant should skip the verification of the caller's identity.",
    ),
    # a general prohibition against a narrower permission of the same act
    (
        "The assistant must not book meeting rooms.",
        "The assistant may book meeting rooms for directors on Fridays.",
    ),
]

NEAR_MISSES = [
    # an amount before the modal limits the scope; it is not a required amount
    ("Refunds over $100 must be approved by a manager.", "The assistant may refund up to $50."),
    (
        "Passwords must not be longer than 64 characters.",
        "Passwords may be up to 32 characters long.",
    ),
    ("Titles must be at most 72 characters long.", "Titles must be at least 10 characters long."),
    (
        "When working on ty, titles should start with `[ty]`.",
        "When working on Ruff, titles must not start with `[ty]`.",
    ),
    (
        "When the card is active, show the balance.",
        "When the card is not active, the assistant must not show the balance.",
    ),
    (
        "Prefer `mount_once` over `mount_sequence`.",
        "Use `mount_sequence` when a test needs several responses in order.",
    ),
    ("Do not add new API surface to v1.", "New API surface must be added to v2."),
    ("Do not use `.white()` in styles.", "Styles should use `.dim()` for secondary text."),
    # scopes that share only half their words, each naming what the other does not
    (
        "Do not run `make tests` after updating snapshots.",
        "Run `make tests` after updating the documentation.",
    ),
    # stated values of different things
    ("For a lost badge the fee is 15 dollars.", "For a damaged laptop the fee is 200 dollars."),
    # durations that meet once read in one unit
    (
        "Tickets may be reopened within 2 days of closing.",
        "Tickets must not be reopened after 72 hours.",
    ),
    # a general permission leaves room for a narrower prohibition
    (
        "The assistant may share office phone numbers.",
        "The assistant must not share office phone numbers of executives.",
    ),
    # `shouldn't shy away from` asks for the act, like a permission of it
    (
        "The assistant shouldn't shy away from discussing pricing.",
        "The assistant can discuss pricing.",
    ),
]


@pytest.mark.parametrize(("first", "second"), FOUND)
def test_conflicts_in_other_words_are_found(first: str, second: str) -> None:
    assert clash(first, second)


@pytest.mark.parametrize(("first", "second"), NEAR_MISSES)
def test_near_misses_are_not_conflicts(first: str, second: str) -> None:
    assert not clash(first, second)


def test_definitions_are_substituted_and_conflicts_carry_a_witness(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "spec.md": "# Rules {#rules}\n\n"
            "The assistant must not share restricted documents[^no-restricted].\n\n"
            "The assistant must share the salary sheet with a manager who asks[^salary].\n\n"
            "The assistant must share the holiday calendar with anyone[^calendar].\n\n"
            "## Definitions {#definitions}\n\n"
            "**Restricted documents**: the audit log, the salary sheet and the board minutes.\n"
        }
    )
    report = conflict_report(load_project(root).spec)
    assert [sorted(c.ids) for c in report.conflicts] == [["no-restricted", "salary"]]
    proof = report.conflicts[0].witness
    assert proof is not None and "<user>" in proof.text and "[^salary]" in proof.text
    assert "salary sheet" in proof.user


@pytest.mark.parametrize(
    ("text", "unit", "low", "high"),
    [
        ("costs 50 dollars", "$", 50.0, 50.0),
        ("within 5 to 7 business days", "hour", 0.0, 168.0),
        ("at no cost", "$", 0.0, 0.0),
        ("no more than 2-3 sentences", "sentence", 0.0, 3.0),
        ("at least 2 weeks", "hour", 336.0, float("inf")),
    ],
)
def test_amounts_are_read_in_one_unit(text: str, unit: str, low: float, high: float) -> None:
    found = find_quantity(text)
    assert found is not None and (found.unit, found.low, found.high) == (unit, low, high)


def test_bare_numbers_that_are_not_amounts_are_not_read() -> None:
    assert find_quantity("Run the 3 test suites in order.") is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("authentication", "authenticated"),
        ("cancellation", "cancelled"),
        ("modification", "modify"),
        ("verification", "verify"),
        ("creation", "created"),
    ],
)
def test_nominalisations_meet_their_verb(first: str, second: str) -> None:
    assert stem(first) == stem(second)


def test_information_is_not_the_act_of_informing() -> None:
    assert stem("information") != stem("inform")


def test_containment_needs_the_prohibition_to_be_the_general_side() -> None:
    general = statements("The assistant must not book meeting rooms.", 0)[0]
    narrow = statements("The assistant may book meeting rooms for directors.", 1)[0]
    assert contained(general, narrow)
    wide_permission = statements("The assistant may book meeting rooms.", 0)[0]
    narrow_ban = statements("The assistant must not book meeting rooms for interns.", 1)[0]
    assert not contained(wide_permission, narrow_ban)


def test_percentages_and_duration_reference_points() -> None:
    from charter.conflict._deterministic import quantity_clash
    from charter.conflict._quantity import find_quantity

    assert find_quantity("An 18% service charge applies").unit == "%"  # type: ignore[union-attr]
    (first,) = statements("Silver guests get a 5% discount on experiences.", 0)
    (second,) = statements("Silver members receive 10% off every experience booking.", 1)
    assert quantity_clash(first, second) is not None
    (gold,) = statements("Gold guests get a 10% discount on experiences.", 2)
    assert quantity_clash(second, gold) is None
    (window,) = statements("Tours must be cancelled at least 24 hours before the start.", 0)
    (late,) = statements("The assistant may cancel a tour up to 2 hours before it starts.", 1)
    assert not window.scope and not late.scope
