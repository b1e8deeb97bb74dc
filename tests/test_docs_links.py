"""Every relative link in README.md and docs/*.md leads to a file of the repository, and every
`#anchor` of a link into a markdown file names one of its headings."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]

_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The page without code blocks and code spans, where link syntax is only shown."""
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    found: set[str] = set()
    for title in _HEADING.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def relative_links(page: Path) -> list[str]:
    return [
        target
        for target in _LINK.findall(_prose(page.read_text(encoding="utf-8")))
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")
    ]


def test_links_are_found() -> None:
    readme = relative_links(REPO_ROOT / "README.md")
    assert "docs/spec-format.md" in readme and "docs/exit-codes.md" in readme


def test_every_relative_link_resolves() -> None:
    broken: list[str] = []
    for page in PAGES:
        for target in relative_links(page):
            path_part, _, anchor = target.partition("#")
            resolved = (page.parent / path_part).resolve()
            if not resolved.exists() or not resolved.is_relative_to(REPO_ROOT):
                broken.append(f"{page.relative_to(REPO_ROOT)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
                broken.append(f"{page.relative_to(REPO_ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_pages_cite_no_file_the_repository_lacks() -> None:
    """Markdown files cited in prose (`see FOO.md`, `see docs/x.md`) exist too."""
    missing: list[str] = []
    for page in PAGES:
        text = _FENCE.sub("", page.read_text(encoding="utf-8"))
        for name in sorted(set(re.findall(r"\bsee\s+`?([\w./-]+\.md)\b", text))):
            if not (REPO_ROOT / name).exists() and not any(REPO_ROOT.glob(f"**/{name}")):
                missing.append(f"{page.relative_to(REPO_ROOT)}: {name}")
    assert not missing, "\n".join(missing)
