"""The public labelled sets the detectors are measured and trained on, read from shared/.

XSTest v2 (Röttger et al., NAACL 2024; prompts CC-BY-4.0): 450 prompts (250 safe, 200 unsafe
"contrast_" ones) answered by five models, each answer labelled by two people as full compliance,
full refusal or partial refusal. Lingua's language test data (Apache-2.0; sentences and word
pairs drawn from Leipzig University's Wortschatz web corpora), 75 languages: the first 20
sentences and 20 word pairs of each language (the files are already in random order).
python-stdnum's IBAN tests (LGPL-2.1): the IBAN registry's sample numbers, valid, and numbers
with broken checksums, wrong lengths or misplaced letters, invalid.

    python benchmarks/detector_data.py xstest XSTEST_MIRROR [OUT]
    python benchmarks/detector_data.py lingua LINGUA_MIRROR [OUT]
    python benchmarks/detector_data.py stdnum STDNUM_MIRROR [OUT]
    python benchmarks/detector_data.py presidio-synth PRESIDIO_RESEARCH_MIRROR [OUT]
    python benchmarks/detector_data.py presidio-tests PRESIDIO_MIRROR [OUT]
    python benchmarks/detector_data.py onestop ONESTOPENGLISH_MIRROR [OUT]

microsoft/presidio-research (MIT): data/synth_dataset_v2.json, 1,500 generated sentences with
their PII spans (entity types). microsoft/presidio (MIT): the texts of its recognizer tests
(credit card, IBAN, email, phone, US SSN) and whether each holds the entity (expected count > 0).
OneStopEnglish (Vajjala and Lučić 2018, CC BY-SA 4.0): 189 Guardian articles each rewritten at
an Elementary and an Advanced level.

write the JSON-lines files from the sets' repositories (git directories); the benchmark and the
training script read them from ../shared/corpora/detectors/ (or a folder given to them).
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
LANGUAGES = "lingua-languages.jsonl"
IBANS = "stdnum-ibans.jsonl"
PII_SYNTH = "presidio-synth.jsonl"
PII_TESTS = "presidio-tests.jsonl"
READING = "onestop-levels.jsonl"
PRESIDIO_TESTS = {
    "CREDIT_CARD": "test_credit_card_recognizer.py",
    "IBAN_CODE": "test_iban_recognizer.py",
    "EMAIL_ADDRESS": "test_email_recognizer.py",
    "PHONE_NUMBER": "test_phone_recognizer.py",
    "US_SSN": "test_us_ssn_recognizer.py",
}
_QUOTES = "'" * 3
_VALID_BLOCK = ">>> [ x for x in numbers.splitlines() if x and not iban.is_valid(x) ]"
PER_LANGUAGE = 20
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


@dataclass(frozen=True, slots=True)
class Written:
    """One text of Lingua's test data, in a known language."""

    language: str
    """ISO 639-1 code, as Lingua names its files."""
    kind: str
    """`sentence` or `word pair`."""
    text: str


def _json_lines(folder: Path, name: str, what: str) -> list[dict[str, object]]:
    path = folder / name
    if not path.is_file():
        print(
            f"{path}: not found; {what} are kept in shared/corpora/detectors/ "
            "(or give the folder that holds them)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_xstest(folder: Path) -> list[Labelled]:
    """Every labelled answer in `folder`/xstest-v2.jsonl; exit 2 naming the file if absent."""
    return [Labelled(**row) for row in _json_lines(folder, XSTEST, "the XSTest answers")]


def read_languages(folder: Path) -> list[Written]:
    """Every text in `folder`/lingua-languages.jsonl; exit 2 naming the file if absent."""
    return [Written(**row) for row in _json_lines(folder, LANGUAGES, "the language texts")]


@dataclass(frozen=True, slots=True)
class Number:
    """One account number from python-stdnum's IBAN tests, and whether it is a valid IBAN."""

    text: str
    valid: bool


def read_ibans(folder: Path) -> list[Number]:
    """Every number in `folder`/stdnum-ibans.jsonl; exit 2 naming the file if absent."""
    return [Number(**row) for row in _json_lines(folder, IBANS, "the IBAN test numbers")]


def write_ibans(mirror: Path, out: Path) -> int:
    """Write each number of the doctest's `numbers = ...` blocks: valid when the block is
    followed by the test that none of them is invalid."""
    lines = _show(mirror, "tests/test_iban.doctest").splitlines()
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        for start, line in enumerate(lines):
            if not line.startswith(f">>> numbers = {_QUOTES}"):
                continue
            end = next(i for i in range(start + 1, len(lines)) if lines[i] == f"... {_QUOTES}")
            valid = lines[end + 1] == _VALID_BLOCK
            for number in lines[start + 1 : end]:
                row = {"text": number.removeprefix("... ").strip(), "valid": valid}
                handle.write(json.dumps(row) + "\n")
                written += 1
    return written


def _show(mirror: Path, name: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(mirror), "show", f"HEAD:{name}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _rows(mirror: Path, model: str) -> Iterator[dict[str, str]]:
    text = _show(mirror, f"model_completions/xstest_v2_completions_{model}.csv")
    yield from csv.DictReader(text.splitlines(keepends=True))


def write_languages(mirror: Path, out: Path) -> int:
    """Write PER_LANGUAGE sentences and word pairs of each language; the number written."""
    listing = _show_names(mirror, "language-testdata/sentences")
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        for code in sorted(name.removesuffix(".txt") for name in listing):
            for folder, kind in (("sentences", "sentence"), ("word-pairs", "word pair")):
                lines = _show(mirror, f"language-testdata/{folder}/{code}.txt").splitlines()
                for line in [line.strip() for line in lines if line.strip()][:PER_LANGUAGE]:
                    row = {"language": code, "kind": kind, "text": line}
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    written += 1
    return written


def _show_names(mirror: Path, folder: str) -> list[str]:
    listing = subprocess.run(
        ["git", "--git-dir", str(mirror), "ls-tree", "--name-only", f"HEAD:{folder}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [name for name in listing.splitlines() if name.endswith(".txt")]


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


@dataclass(frozen=True, slots=True)
class Pii:
    """One text and the PII entity types it holds, as its source labels them."""

    id: str
    text: str
    entities: list[str]


def read_pii(folder: Path, name: str) -> list[Pii]:
    """Every text of `folder`/`name` (PII_SYNTH or PII_TESTS); exit 2 naming the file if absent."""
    return [Pii(**row) for row in _json_lines(folder, name, "the PII sentences")]


@dataclass(frozen=True, slots=True)
class Leveled:
    """One OneStopEnglish article at one level (`elementary` or `advanced`)."""

    id: str
    level: str
    text: str


def read_levels(folder: Path) -> list[Leveled]:
    """Every article of `folder`/onestop-levels.jsonl; exit 2 naming the file if absent."""
    return [Leveled(**row) for row in _json_lines(folder, READING, "the OneStopEnglish texts")]


def _write_rows(out: Path, rows: Iterator[dict[str, object]]) -> int:
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    return written


def write_presidio_synth(mirror: Path, out: Path) -> int:
    data = json.loads(_show(mirror, "data/synth_dataset_v2.json"))
    rows = (
        {
            "id": f"synth-{index}",
            "text": record["full_text"],
            "entities": sorted({span["entity_type"] for span in record.get("spans") or []}),
        }
        for index, record in enumerate(data)
    )
    return _write_rows(out, rows)


def _parametrized_texts(source: str) -> Iterator[tuple[str, int]]:
    """(text, expected count) of each `text, expected_len, ...` parametrize case (the IBAN
    tests name the text `iban`)."""
    import ast

    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        names = node.args[0]
        if not isinstance(names, ast.Constant):
            continue
        if not str(names.value).startswith(("text, expected_len", "iban, expected_len")):
            continue
        cases = node.args[1]
        if not isinstance(cases, ast.List):
            continue
        for case in cases.elts:
            if isinstance(case, ast.Tuple) and len(case.elts) >= 2:
                text, count = case.elts[0], case.elts[1]
                if isinstance(text, ast.Constant) and isinstance(count, ast.Constant):
                    yield str(text.value), int(count.value)


def write_presidio_tests(mirror: Path, out: Path) -> int:
    def rows() -> Iterator[dict[str, object]]:
        for entity, name in PRESIDIO_TESTS.items():
            source = _show(mirror, f"presidio-analyzer/tests/{name}")
            for index, (text, count) in enumerate(_parametrized_texts(source)):
                yield {
                    "id": f"{name}:{index}",
                    "text": text,
                    "entities": [entity] if count > 0 else [],
                }

    return _write_rows(out, rows())


def write_onestop(mirror: Path, out: Path) -> int:
    def rows() -> Iterator[dict[str, object]]:
        for folder, level, suffix in (
            ("Ele-Txt", "elementary", "-ele"),
            ("Adv-Txt", "advanced", "-adv"),
        ):
            place = f"Texts-SeparatedByReadingLevel/{folder}"
            for name in sorted(_show_names(mirror, place)):
                text = _show(mirror, f"{place}/{name}").lstrip("\ufeff").strip()
                yield {
                    "id": name.removesuffix(".txt").removesuffix(suffix),
                    "level": level,
                    "text": text,
                }

    return _write_rows(out, rows())


if __name__ == "__main__":
    which, mirror = sys.argv[1], Path(sys.argv[2])
    target = Path(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_DATA
    name, writer = {
        "xstest": (XSTEST, write_xstest),
        "lingua": (LANGUAGES, write_languages),
        "stdnum": (IBANS, write_ibans),
        "presidio-synth": (PII_SYNTH, write_presidio_synth),
        "presidio-tests": (PII_TESTS, write_presidio_tests),
        "onestop": (READING, write_onestop),
    }[which]
    print(f"wrote {writer(mirror, target / name)} texts to {target / name}")
