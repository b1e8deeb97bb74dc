"""Write src/charter/conflict/wordnet_antonyms.json from the WordNet 3.0 database.

    apt-get install wordnet-base          # Debian's WordNet 3.0 database, /usr/share/wordnet
    python tools/wordnet_antonyms.py [DICT_DIR]

Reads the direct antonym pointers (`!`) of verbs and keeps the unambiguous ones:
single words whose only direct antonym is the other word, whose antonym has only them, and
one of which is the other with a negative prefix (`un-`, `dis-`, `in-`, `non-`, `de-`...):
`lock`/`unlock`, `connect`/`disconnect`; not `keep` (both `lose` and `break`) nor `go`/`come`.
The unprefixed word is the head the other folds to with a negative sign. The file is
read at run time, so nothing is downloaded and WordNet need not be installed to use Charter.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "charter" / "conflict" / "wordnet_antonyms.json"
NOTICE = (
    "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND "
    "DATABASE IS PROVIDED 'AS IS' AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR "
    "WARRANTIES, EXPRESS OR IMPLIED. (WordNet 3.0 licence; Debian package wordnet-base.)"
)
NEGATIVE = ("un", "dis", "non", "in", "im", "il", "ir", "de", "anti")


def _antonyms(folder: Path, part: str) -> set[tuple[str, str]]:
    words: dict[str, list[str]] = {}
    pointers: list[tuple[str, int, str, int]] = []
    with (folder / f"data.{part}").open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("  "):
                continue  # the licence header
            fields = line.split(" ")
            offset, count = fields[0], int(fields[3], 16)
            words[offset] = [fields[4 + 2 * i].lower() for i in range(count)]
            at = 4 + 2 * count
            for k in range(int(fields[at])):
                symbol, target, _, numbers = fields[at + 1 + 4 * k : at + 5 + 4 * k]
                if symbol == "!":
                    pointers.append((offset, int(numbers[:2], 16), target, int(numbers[2:], 16)))
    found = set()
    for offset, source, target, goal in pointers:
        first, second = words[offset][source - 1], words[target][goal - 1]
        if first.isalpha() and second.isalpha():  # no phrases, no `(a)` markers, no hyphens
            found.add((first, second))
    return found


def _head(first: str, second: str) -> str | None:
    """The word the other is made from with a negative prefix (`lock` for `unlock`); None for
    pairs of unrelated words (`go`/`come`, `let`/`prevent`), whose senses stray too far."""
    for word, other in ((first, second), (second, first)):
        if any(other == prefix + word for prefix in NEGATIVE):
            return word
    return None


def table(folder: Path) -> dict[str, str]:
    """Each folded word -> its head."""
    partners: dict[str, set[str]] = defaultdict(set)
    for part in ("verb",):
        for first, second in _antonyms(folder, part):
            partners[first].add(second)
            partners[second].add(first)
    folded = {}
    for word, others in sorted(partners.items()):
        (other,) = others if len(others) == 1 else (None,)
        if other is None or partners[other] != {word}:
            continue
        head = _head(word, other)
        if head is not None and head != word:
            folded[word] = head
    return folded


def main(argv: list[str]) -> None:
    folder = Path(argv[1]) if len(argv) > 1 else Path("/usr/share/wordnet")
    antonyms = table(folder)
    text = json.dumps({"notice": NOTICE, "antonyms": antonyms}, indent=0, sort_keys=True)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"{OUT}: {len(antonyms)} antonym pairs")


if __name__ == "__main__":
    main(sys.argv)
