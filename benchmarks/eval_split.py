"""Split the independent evaluation sets into development and test halves, by a hash of the
paragraph (lint) or topic group (conflicts), so that sentences read together stay together.

    python benchmarks/eval_split.py      (writes tests/data/eval/{lint,conflicts}/{dev,test}.*)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "eval"


def half(key: str) -> str:
    """`dev` or `test`: the parity of the first byte of the key's SHA-1."""
    return "test" if hashlib.sha1(key.encode("utf-8")).digest()[0] % 2 else "dev"


def split_lint() -> None:
    lines = (EVAL / "lint" / "sentences.tsv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    for name in ("dev", "test"):
        kept = [row for row in rows if half(row.split("\t", 1)[0]) == name]
        (EVAL / "lint" / f"{name}.tsv").write_text("\n".join([header, *kept]) + "\n", "utf-8")


def split_conflicts() -> None:
    data = yaml.safe_load((EVAL / "conflicts" / "groups.yaml").read_text(encoding="utf-8"))
    for name in ("dev", "test"):
        kept = {key: group for key, group in data["groups"].items() if half(key) == name}
        text = yaml.safe_dump({"groups": kept}, sort_keys=False, allow_unicode=True, width=200)
        (EVAL / "conflicts" / f"{name}.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    split_lint()
    split_conflicts()
