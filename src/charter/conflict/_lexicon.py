"""The word lexicon conflict detection normalises with: synonym sets folded to one word, and
antonym pairs folded to one word with a sign, so that `disable tracing` reads as `not enable
tracing` and `uppercase` as `not lowercase`.

The sets are written for rule text (agent instructions, assistant policies); a word belongs to
at most one set. A stem is looked up after the light stemmer of `_normalize.stem`.
"""

from __future__ import annotations

#: Each line: the canonical word, then the words folded into it.
_SYNONYM_SETS = """
reveal disclose divulge share expose leak
provide give offer supply
tell inform notify report
mention cite quote
user customer client person people users customers
ask request
use employ utilize
promise guarantee
reply response answer respond responses answers replies
include contain add list insert
start begin commence
buy purchase
emoji emojis emoticon emoticons
change modify mutate alter edit touch
manual manually hand
approval permission consent authorization authorisation
run invoke execute launch
conversation chat dialogue
remove delete drop strip
create make produce generate
keep retain preserve maintain
wait pause idle
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


SYNONYMS = _synonyms()
ANTONYMS = _antonyms()
