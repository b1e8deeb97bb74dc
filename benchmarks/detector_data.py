"""The public labelled sets the detectors are measured and trained on, read from shared/.

XSTest v2 (Röttger et al., NAACL 2024; prompts CC-BY-4.0): 450 prompts (250 safe, 200 unsafe
"contrast_" ones) answered by five models, each answer labelled by two people as full compliance,
full refusal or partial refusal. `python benchmarks/detector_data.py MIRROR` writes the JSON-lines
file from a checkout of the set's repository; the benchmark and the training script read it from
../shared/corpora/detectors/ (or a folder given to them).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "corpora" / "detectors"
XSTEST = "xstest-v2.jsonl"
MODELS = ("gpt4", "llama2new", "llama2orig", "mistralguard", "mistralinstruct")
KEPT_CHARACTERS = 1500
"""Replies are cut to their opening 1,500 characters: the detectors read the opening."""


@dataclass(frozen=True, slots=True)
class Labelled:
    """One model's answer to one XSTest prompt, with the people's label."""

    model: str
    prompt_id: str
    kind: str
    safe: bool
    label: str
    """full_compliance, full_refusal or partial_refusal."""
    prompt: str
    reply: str

    @property
    def refuses(self) -> bool:
        """Declines in whole or in part (the `refusal` check's meaning)."""
        return self.label != "full_compliance"


def read_xstest(folder: Path) -> list[Labelled]:
    """Every labelled answer in `folder`/xstest-v2.jsonl; exit 2 naming the file if absent."""
    path = folder / XSTEST
    if not path.is_file():
        print(
            f"{path}: not found; the XSTest answers are kept in shared/corpora/detectors/ "
            "(or give the folder that holds them)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    with path.open(encoding="utf-8") as handle:
        return [Labelled(**json.loads(line)) for line in handle if line.strip()]


def _rows(mirror: Path, model: str) -> Iterator[dict[str, str]]:
    name = f"model_completions/xstest_v2_completions_{model}.csv"
    text = subprocess.run(
        ["git", "--git-dir", str(mirror), "show", f"HEAD:{name}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    yield from csv.DictReader(text.splitlines(keepends=True))


def write_xstest(mirror: Path, out: Path) -> int:
    """Write the five models' labelled answers as JSON lines; the number written."""
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        for model in MODELS:
            for row in _rows(mirror, model):
                kind = row["type"]
                item = Labelled(
                    model=model,
                    prompt_id=row["id"],
                    kind=kind,
                    safe=not kind.startswith("contrast_"),
                    label=row["final_label"].split("_", 1)[1],
                    prompt=row["prompt"],
                    reply=row["completion"][:KEPT_CHARACTERS],
                )
                handle.write(json.dumps(_as_dict(item), ensure_ascii=False) + "\n")
                written += 1
    return written


def _as_dict(item: Labelled) -> dict[str, object]:
    return {name: getattr(item, name) for name in Labelled.__slots__}


if __name__ == "__main__":
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_DATA
    count = write_xstest(Path(sys.argv[1]), target / XSTEST)
    print(f"wrote {count} answers to {target / XSTEST}")
