"""Precision and recall of the conflict checker on the independent conflict set, no judge.

    python benchmarks/eval_conflicts.py [--half dev|dev2|...|dev5|test|test3|test4|test5]
                                        [--label NAME] [--show] [--semantic]

Writes the half as a Charter project (the root file imports one module per team; a group's
definitions go into a definitions section of its module), runs the conflict search, and compares
the reported pairs with the labelled ones. `--show` lists the mistakes (development sets only).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from charter.conflict import conflict_report
from charter.spec import load_project

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "eval" / "conflicts"
RESULTS = REPO / "benchmarks" / "results"
HALVES = ("dev", "dev2", "dev3", "dev4", "dev5", "test", "test3", "test4", "test5")
AUTHORITY = {
    "repo": "system",
    "ci": "developer",
    "review": "developer",
    "style": "user",
    "team": "guideline",
}


def write_project(
    root: Path,
    groups: dict[str, Any],
    semantic: bool,
    authority: dict[str, str] | None = None,
) -> dict[str, str]:
    """The project files; returns clause id -> text. `authority` maps module -> level (the
    coding-agent modules of the first sets by default)."""
    levels = authority or AUTHORITY
    modules: dict[str, list[str]] = {name: [] for name in levels}
    definitions: dict[str, list[str]] = {name: [] for name in levels}
    texts: dict[str, str] = {}
    for key, group in groups.items():
        for index, (module, text) in enumerate(group["clauses"]):
            ident = f"{key}-{index}"
            texts[ident] = text
            modules[module].append(f"{text}[^{ident}]")
        for module, term, meaning in group.get("definitions", []):
            definitions[module].append(f"**{term}**: {meaning}")
    imports = []
    for name, clauses in modules.items():
        folder = root / name
        folder.mkdir()
        body = [
            f"---\nname: {name}\nversion: 1.0.0\nlevel: {levels[name]}\n---\n",
            f"# {name.title()} rules {{#{name}-rules authority={levels[name]}}}\n",
            *(clause + "\n" for clause in clauses),
        ]
        if definitions[name]:
            body.append(f"## Definitions {{#{name}-definitions}}\n")
            body.extend(entry + "\n" for entry in definitions[name])
        (folder / f"{name}.md").write_text("\n".join(body), encoding="utf-8")
        imports.append(f"  - {{path: ./{name}, as: {name}}}")
    root_file = ["---", "name: eval", "version: 1.0.0", "level: root", "imports:", *imports, "---"]
    root_file += ["", "# Coding agent {#agent}", "", "The agent works in a code repository.", ""]
    (root / "product.md").write_text("\n".join(root_file), encoding="utf-8")
    (root / "charter.toml").write_text(
        f'[spec]\nfiles = ["product.md"]\n\n[conflicts]\nsemantic = {str(semantic).lower()}\n',
        encoding="utf-8",
    )
    return texts


def labels(groups: dict[str, Any]) -> dict[frozenset[str], bool]:
    found: dict[frozenset[str], bool] = {}
    for key, group in groups.items():
        count = len(group["clauses"])
        for first, second in combinations(range(count), 2):
            value = group["pairs"][f"{first}-{second}"]
            found[frozenset((f"{key}-{first}", f"{key}-{second}"))] = bool(value)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--half", choices=HALVES, default="test")
    parser.add_argument("--label")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--semantic", action="store_true")
    options = parser.parse_args()
    data = yaml.safe_load((DATA / f"{options.half}.yaml").read_text(encoding="utf-8"))
    groups = data["groups"]
    truth = labels(groups)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        texts = write_project(root, groups, options.semantic, data.get("modules"))
        report = conflict_report(load_project(root).spec)
    reported = {
        frozenset(part.split(":")[-1] for part in conflict.ids) for conflict in report.conflicts
    }
    tp = sum(1 for pair in reported if truth.get(pair, False))
    fp = len(reported) - tp
    fn = sum(1 for pair, value in truth.items() if value and pair not in reported)
    figures = {
        "half": options.half,
        "clauses": len(texts),
        "conflicts": sum(truth.values()),
        "reported": len(reported),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / len(reported), 3) if reported else 0.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
        "semantic": options.semantic,
    }
    print(json.dumps(figures))
    if options.show and options.half.startswith("dev"):
        for pair in sorted(reported | {p for p, v in truth.items() if v}, key=sorted):
            if (pair in reported) != truth.get(pair, False):
                kind = "FP" if pair in reported else "FN"
                first, second = sorted(pair)
                print(f"{kind} {texts[first]}  <>  {texts[second]}")
    if options.label:
        RESULTS.mkdir(exist_ok=True)
        suffix = "-semantic" if options.semantic else ""
        path = RESULTS / f"eval-conflicts-{options.half}-{options.label}{suffix}.json"
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
