"""Conflict detection on rule wording the independent evaluation set showed the modality test
missing: each pair is found, its near-miss is not, and each conflict carries a witness."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from charter.conflict import conflict_report, opposed, statements
from charter.conflict._deterministic import quantity_clash
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
