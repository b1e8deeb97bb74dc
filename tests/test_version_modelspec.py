"""The diff of the two Model Spec releases surfaces what the later release's CHANGELOG lists."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from charter.spec import Spec, load_spec
from charter.version import Bump, Kind, SpecDiff, _match, changelog_entry, diff_specs


@pytest.fixture(scope="module")
def model_spec_diff(release_0212: Path, release_0912: Path) -> SpecDiff:
    return diff_specs(load_spec(release_0212)[0], load_spec(release_0912)[0])


def test_platform_is_renamed_to_root_not_changed(model_spec_diff: SpecDiff) -> None:
    levels = model_spec_diff.authority_levels()
    assert levels["renamed"] == {"platform": "root"}
    renames = [c for c in model_spec_diff.changes if c.kind is Kind.SECTION_AUTHORITY_RENAMED]
    assert len(renames) >= 15
    assert all((c.old, c.new, c.bump) == ("platform", "root", Bump.PATCH) for c in renames)
    assert "follow_all_applicable_instructions" in {c.id for c in renames}


def test_system_level_is_new_and_some_principles_move_there(model_spec_diff: SpecDiff) -> None:
    assert model_spec_diff.authority_levels()["added"] == ["system"]
    lowered = {
        c.id: (c.old, c.new) for c in model_spec_diff.changes if c.kind is Kind.SECTION_AUTHORITY
    }
    assert lowered["comply_with_laws"] == ("root", "system")
    assert lowered["use_preset_voice_in_voice_mode"] == ("root", "system")


def test_new_sections_from_the_changelog_are_found(model_spec_diff: SpecDiff) -> None:
    added = {c.new for c in model_spec_diff.changes if c.kind is Kind.SECTION_ADDED}
    assert {
        "No other objectives",
        "Act within an agreed-upon scope of autonomy",
        "Control and communicate side effects",
        "Red-line principles",
    } <= added


def test_merged_personality_sections_and_bump(model_spec_diff: SpecDiff) -> None:
    removed = {c.old for c in model_spec_diff.changes if c.kind is Kind.SECTION_REMOVED}
    assert "Be approachable" in removed
    renamed = {(c.old, c.new) for c in model_spec_diff.changes if c.kind is Kind.SECTION_RENAMED}
    assert ("Do not reveal privileged instructions", "Do not reveal privileged information") in (
        renamed
    )
    assert model_spec_diff.bump is Bump.MAJOR


def test_changelog_headlines(model_spec_diff: SpecDiff) -> None:
    entry = changelog_entry(model_spec_diff, "2025-09-12")
    headlines = entry[: entry.index("### ")]
    assert "Renames the authority level **platform** to **root**" in headlines
    assert "Introduces the **system** authority level" in headlines
    assert '"No other objectives"' in headlines
    assert '"Red-line principles"' in headlines


def test_untagged_guidance_changes_surface_safe_completions(model_spec_diff: SpecDiff) -> None:
    prose = {c.id: c for c in model_spec_diff.changes if c.kind is Kind.SECTION_TEXT}
    # "Safe completions" and "mistaken instructions" were rewritten in prose without clause tags.
    assert "refusal_style" in prose
    assert "letter_and_spirit" in prose
    assert all(c.bump is Bump.PATCH for c in prose.values())
    examples = {c.id for c in model_spec_diff.changes if c.kind is Kind.SECTION_EXAMPLES}
    assert "refusal_style" in examples
    entry = changelog_entry(model_spec_diff, "2025-09-12")
    headline = next(line for line in entry.splitlines() if line.startswith("* Rewrites"))
    assert '"When appropriate, be helpful when refusing"' in headline
    assert '"Respect the letter and spirit of instructions"' in headline


def _changes(old: Spec, new: Spec) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.kind.value, c.id, c.old, c.new) for c in diff_specs(old, new).changes]


def test_candidate_search_finds_what_scoring_every_pair_finds(
    release_0212: Path, release_0912: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = load_spec(release_0212)[0], load_spec(release_0912)[0]
    monkeypatch.setattr(_match, "EXHAUSTIVE_PAIRS", 10**9)
    every_pair = _changes(old, new)
    monkeypatch.setattr(_match, "EXHAUSTIVE_PAIRS", 0)
    assert _changes(old, new) == every_pair
    # Sections paired by similar titles or bodies rather than by id, as the search must find.
    assert sum(kind == "section-renamed" for kind, *_ in every_pair) >= 2


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_diff.py"
    found = importlib.util.spec_from_file_location("bench_diff", path)
    assert found is not None and found.loader is not None
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


@pytest.mark.parametrize("reworded", [False, True])
def test_four_hundred_renamed_clauses_diff_in_seconds(
    tmp_path: Path, release_0912: Path, reworded: bool
) -> None:
    bench = _bench()
    corpus = release_0912 if reworded else None
    old, new = bench.renamed_specs(400, tmp_path, reworded=reworded, corpus=corpus)
    seconds, renamed = bench.time_diff(old, new)
    assert renamed == 400
    assert seconds < 10, f"{seconds:.1f} s"  # generous: 0.02 s (0.34 s reworded) measured
