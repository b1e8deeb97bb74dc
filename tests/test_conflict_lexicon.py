"""The lexicon behind conflict detection: WordNet's verb antonyms back the hand-written lists,
for the act of a rule only, and a missing WordNet table leaves the hand-written lexicon alone."""

from __future__ import annotations

import json
from pathlib import Path

from charter.conflict import opposed, statements
from charter.conflict._lexicon import (
    ACT_ANTONYMS,
    ANTONYMS,
    SYNONYMS,
    WORDNET_FILE,
    wordnet_antonyms,
)
from charter.conflict._normalize import signed_tokens


def _clash(first: str, second: str) -> bool:
    a, b = statements(first, 0), statements(second, 1)
    return any(opposed(x, y) is not None for x in a for y in b)


def test_the_packaged_wordnet_table_is_read() -> None:
    table = wordnet_antonyms()
    assert table["unpack"] == "pack" and table["disconnect"] == "connect"
    assert "come" not in table and "go" not in table  # unrelated words stray too far
    assert "wordnet 3.0 copyright" in json.loads(WORDNET_FILE.read_text())["notice"].lower()


def test_wordnet_antonyms_of_the_act_make_a_conflict() -> None:
    assert "unpack" not in ANTONYMS  # not in the hand-written lists
    assert _clash(
        "The assistant must pack the gift box.", "The assistant must unpack the gift box."
    )
    assert _clash(
        "Stop the nightly build on Fridays.", "Always start the nightly build on Fridays."
    )


def test_an_antonym_outside_the_act_does_not_flip_the_rule() -> None:
    assert signed_tokens("unpacks the box", act=True) == (["pack", "box"], -1)
    assert signed_tokens("the box before you unpack", act=False)[1] == 1
    assert signed_tokens("wait for the user after a push", act=True)[1] == 1
    assert signed_tokens("use white for the foreground", act=True)[1] == 1
    assert _clash(
        "Do not use `.white()` in TUI styles.", "TUI styles must use `.white()` for the foreground."
    )


def test_hand_written_words_keep_their_meaning() -> None:
    named = set(ANTONYMS) | set(ANTONYMS.values()) | set(SYNONYMS) | set(SYNONYMS.values())
    assert all(ACT_ANTONYMS[word] == head for word, head in ANTONYMS.items())
    assert not [word for word in set(ACT_ANTONYMS) - set(ANTONYMS) if word in named]


def test_a_missing_or_broken_wordnet_table_is_no_table(tmp_path: Path) -> None:
    assert wordnet_antonyms(tmp_path / "absent.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert wordnet_antonyms(broken) == {}
    broken.write_text("[1, 2]", encoding="utf-8")
    assert wordnet_antonyms(broken) == {}
