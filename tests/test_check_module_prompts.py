"""A clause of an imported module without a prompt file is pointed at the module's own folder."""

from __future__ import annotations

from pathlib import Path

from charter.check import check_path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_missing_prompt_file_hint_names_the_module_folder(tmp_path: Path) -> None:
    _write(
        tmp_path / "top.md",
        "---\nname: top\nimports:\n  - {path: ./legal, as: legal}\n---\n"
        "# Top {#top authority=developer}\n\nThe assistant must greet the user[^t1].\n",
    )
    _write(tmp_path / "cases" / "t1.md", "**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n")
    _write(
        tmp_path / "legal" / "legal.md",
        "---\nname: legal\n---\n# Legal {#legal authority=developer}\n\n"
        "The assistant must not give legal advice[^no-advice].\n",
    )
    result = check_path(tmp_path)
    missing = [d for d in result.diagnostics if d.code == "S102"]
    assert [d.message for d in missing] == ["clause `legal:no-advice` has no prompt file"]
    assert missing[0].hint is not None
    assert "`legal/cases/no-advice.md`" in missing[0].hint
    assert missing[0].span.file == "legal/legal.md"
