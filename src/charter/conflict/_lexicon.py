"""The word lexicon conflict detection normalises with: synonym sets folded to one word, and
antonym pairs folded to one word with a sign, so that `disable tracing` reads as `not enable
tracing` and `uppercase` as `not lowercase`.

The sets are written for rule text (agent instructions, assistant policies); a word belongs to
at most one set. A stem is looked up after the light stemmer of `_normalize.stem`.

Behind the hand-written antonyms stand WordNet 3.0's unambiguous direct antonyms of verbs made
with a negative prefix (`pack`/`unpack`, `connect`/`disconnect`), in `wordnet_antonyms.json`,
written by `tools/wordnet_antonyms.py` from Debian's `wordnet-base`. They fold only the act, the
verb a rule starts its action with: elsewhere in a sentence (`after you disconnect`) an antonym
says nothing about the rule's polarity. A word the hand-written lists name, as a member or a
head, keeps its hand-written meaning. The file ships inside the package and is read once;
without it (a stripped install) the hand-written lexicon is used alone.
"""

from __future__ import annotations

import json
from pathlib import Path

#: Each line: the canonical word, then the words folded into it.
_SYNONYM_SETS = """
reveal disclose divulge share expose leak
provide give offer supply
tell inform notify report
mention cite quote
user customer client person people users customers guest guests caller callers member members
ask request collect gather obtain solicit
use employ utilize
promise guarantee
reply response answer respond responses answers replies
include contain add list insert
start begin commence
buy purchase
emoji emojis emoticon emoticons
change modify mutate alter edit touch adjust
manual manually hand
approval permission consent authorization authorisation
run invoke execute launch
conversation chat dialogue
remove delete drop strip
create make produce generate
keep retain preserve maintain
wait pause idle
discount off reduction
transfer escalate handoff hand route refer forward
hardcode literal literally
ignore disregard
write written wrote writes writing
"""

#: Each line: a word and its antonyms; an antonym folds to the word with a negative sign.
_ANTONYM_SETS = """
enable disable
lowercase uppercase capital capitalized capitalised
singular plural
include omit exclude skip
commit uncommitted
accept reject decline
allow forbid prohibit block deny
show hide conceal
open close
freeze unfreeze
formal informal casual
lock unlock
american british
camelcase snakecase
keyword positional
public private
"""


def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _SYNONYM_SETS.strip().splitlines():
        head, *rest = line.split()
        for word in rest:
            table[word] = head
    return table


def _antonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _ANTONYM_SETS.strip().splitlines():
        head, *rest = line.split()
        for word in rest:
            table[word] = head
    return table


WORDNET_FILE = Path(__file__).with_name("wordnet_antonyms.json")


def wordnet_antonyms(path: Path = WORDNET_FILE) -> dict[str, str]:
    """WordNet's antonyms as folded word -> head; empty when the file is missing or broken."""
    try:
        table = json.loads(path.read_text(encoding="utf-8")).get("antonyms", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


def _backed(hand: dict[str, str], synonyms: dict[str, str]) -> dict[str, str]:
    """The hand-written antonyms, with WordNet's added for words they do not name."""
    named = set(hand) | set(hand.values()) | set(synonyms) | set(synonyms.values())
    extra = {
        word: head
        for word, head in wordnet_antonyms().items()
        if word not in named and head not in named
    }
    return {**extra, **hand}


SYNONYMS = _synonyms()
ANTONYMS = _antonyms()
ACT_ANTONYMS = _backed(ANTONYMS, SYNONYMS)
"""Antonyms for the act (the action's first word): the hand-written ones and WordNet's."""
