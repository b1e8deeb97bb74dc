"""Plain-text helpers: sentence bounds, modal words, tags, slugs and edit distance."""

from __future__ import annotations

import pytest

from charter.text import (
    edit_distance,
    github_slug,
    modal_words,
    sentence_bounds,
    slugify,
    strip_tags,
)


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_bounds(text)]


def test_plain_sentences() -> None:
    assert sentences("One thing. Two things! Three? Four") == [
        "One thing.",
        "Two things!",
        "Three?",
        "Four",
    ]


@pytest.mark.parametrize("abbreviation", ["e.g.", "i.e.", "vs.", "cf.", "Dr.", "U.S."])
def test_abbreviations_do_not_end_a_sentence(abbreviation: str) -> None:
    text = f"Some things, {abbreviation} Apples, are fine. Next sentence."
    assert sentences(text) == [f"Some things, {abbreviation} Apples, are fine.", "Next sentence."]


def test_clause_tags_after_the_period_belong_to_the_sentence() -> None:
    text = "Be kind.[^ab12] Be brief.[^cd34][^ef56] Then stop."
    assert sentences(text) == ["Be kind.[^ab12]", "Be brief.[^cd34][^ef56]", "Then stop."]


def test_closing_quotes_and_brackets_stay_with_the_sentence() -> None:
    text = 'He said "stop." Then (quietly.) It ended.'
    assert sentences(text) == ['He said "stop."', "Then (quietly.)", "It ended."]


def test_lower_case_after_a_period_does_not_start_a_sentence() -> None:
    assert sentences("Version 2. and more. Next.") == ["Version 2. and more.", "Next."]


def test_bounds_exclude_trailing_space_and_handle_empty_text() -> None:
    assert sentence_bounds("Hello.   ") == [(0, 6)]
    assert sentence_bounds("") == []
    assert sentence_bounds("   ") == []


def test_modal_words_in_order_and_normalised() -> None:
    text = "You must not lie; you shouldn't boast, can't cheat and may rest. Never stop."
    assert modal_words(text) == ["must not", "should not", "cannot", "may", "never"]


def test_rfc_2119_upper_case_stays_visible() -> None:
    text = "The client MUST NOT retry. It SHOULD log. It MAY stop. It Must wait."
    assert modal_words(text) == ["MUST NOT", "SHOULD", "MAY", "must"]


def test_modal_words_need_whole_words() -> None:
    assert modal_words("Mustard, shoulder, mayor, nevertheless.") == []
    assert modal_words("A required field; forbidden fruit; recommended.") == [
        "required",
        "forbidden",
        "recommended",
    ]


def test_strip_tags_and_slugify() -> None:
    assert strip_tags("Be  kind[^ab12]\n and brief[^cd-3].") == "Be kind and brief."
    assert slugify("Be clear & direct!") == "be-clear-direct"
    assert slugify("Café au lait") == "cafe-au-lait"
    assert slugify("!!!") == "section"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("m12p", "m12p", 0),
        ("m12p", "m1p2", 2),
        ("sy73", "sy37", 2),
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("flaw", "lawn", 2),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_gives_up_past_the_limit() -> None:
    assert edit_distance("abcdefgh", "zyxwvuts", limit=3) == 4
    assert edit_distance("a", "abcdefgh", limit=2) == 3
    assert edit_distance("letter_and_spirit", "leter_and_spirit", limit=1) == 1


@pytest.mark.parametrize(
    ("text", "modals"),
    [
        ("It shouldn’t guess.", ["should not"]),
        ("It can’t and won’t.", ["cannot", "will not"]),
        ("Its optimism doesn’t mandate a cheerful spin.", ["does not"]),
        ("You donʼt, MUSTN’T.", ["do not", "MUST NOT"]),
        ("It shouldn't; it should.", ["should not", "should"]),
    ],
)
def test_typographic_apostrophes_make_the_same_modal_words(text: str, modals: list[str]) -> None:
    assert modal_words(text) == modals


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("Policies & Rules", "policies--rules"),
        ("Be clear, direct!", "be-clear-direct"),
        ("Follow `user_id` rules", "follow-user_id-rules"),
        ("What's new in 2.0?", "whats-new-in-20"),
        ("See [the guide](https://example.com/x)", "see-the-guide"),
        ("Übersicht der Regeln", "übersicht-der-regeln"),
        ("**Bold** and *italic*", "bold-and-italic"),
    ],
)
def test_github_heading_anchors(title: str, anchor: str) -> None:
    assert github_slug(title) == anchor
