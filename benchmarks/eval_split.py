"""Split the independent evaluation sets into development and test halves, by a hash of the
paragraph (lint), sentence (lint2, lint3), topic group (conflicts) or prompt (XSTest, whose five
models' answers to one prompt stay together), so that texts read together stay together.

    python benchmarks/eval_split.py      (writes tests/data/eval/{lint,lint2,lint3,conflicts}/*,
                                          tests/data/eval/conflicts/{dev3,...,test5}.yaml and
                                          benchmarks/data/xstest_split.tsv)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "tests" / "data" / "eval"
XSTEST_SPLIT = REPO / "benchmarks" / "data" / "xstest_split.tsv"
XSTEST_PROMPTS = 450


def half(key: str) -> str:
    """`dev` or `test`: the parity of the first byte of the key's SHA-1."""
    return "test" if hashlib.sha1(key.encode("utf-8")).digest()[0] % 2 else "dev"


def split_lint() -> None:
    lines = (EVAL / "lint" / "sentences.tsv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    for name in ("dev", "test"):
        kept = [row for row in rows if half(row.split("\t", 1)[0]) == name]
        (EVAL / "lint" / f"{name}.tsv").write_text("\n".join([header, *kept]) + "\n", "utf-8")


def split_by_sentence(name: str) -> None:
    """Split `<name>/sentences.tsv` (lint2, lint3) by a hash of each sentence's text (its last
    column). The evaluation lints the whole document, so a sentence keeps its neighbours
    whichever half they fell in; only the scoring is per half."""
    lines = (EVAL / name / "sentences.tsv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    for part in ("dev", "test"):
        kept = [row for row in rows if half(row.rsplit("\t", 1)[1]) == part]
        (EVAL / name / f"{part}.tsv").write_text("\n".join([header, *kept]) + "\n", "utf-8")


def split_conflicts(source: str = "groups", suffix: str = "") -> None:
    """Split `<source>.yaml` by group key into `dev<suffix>.yaml` and `test<suffix>.yaml`; a
    `modules` table (module -> authority level), when the set has one, goes into both halves."""
    data = yaml.safe_load((EVAL / "conflicts" / f"{source}.yaml").read_text(encoding="utf-8"))
    for name in ("dev", "test"):
        kept = {key: group for key, group in data["groups"].items() if half(key) == name}
        body: dict[str, object] = {"modules": data["modules"]} if "modules" in data else {}
        body["groups"] = kept
        text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=200)
        (EVAL / "conflicts" / f"{name}{suffix}.yaml").write_text(text, encoding="utf-8")


def split_xstest() -> None:
    """One line per XSTest prompt id (v2-1 ... v2-450) with its half."""
    ids = [f"v2-{number}" for number in range(1, XSTEST_PROMPTS + 1)]
    rows = [f"{key}\t{half(key)}" for key in ids]
    XSTEST_SPLIT.write_text("\n".join(["prompt_id\thalf", *rows]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    split_lint()
    split_by_sentence("lint2")
    split_by_sentence("lint3")
    split_conflicts()
    split_conflicts("groups3", "3")
    split_conflicts("groups4", "4")
    split_conflicts("groups5", "5")
    split_xstest()
