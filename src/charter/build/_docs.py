"""The `docs` target: a static, self-contained documentation site of the spec.

A page per top section (the children of the title heading when the spec has a single one),
anchors for every section and clause, authority badges, each clause's challenge prompts,
precedents and latest pass rate from the run store, the changelog (CHANGELOG.md), and a search
page over a JSON index. Nothing is fetched from anywhere: the style sheet and the search script
are files beside the pages, and each page's Content-Security-Policy admits only those.

Spec and model text reaches the pages escaped: markdown is rendered with raw HTML disabled, and
the search script writes results with `textContent`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from charter.build._hash import spec_hash
from charter.build._registry import Artifact, BuildContext, target
from charter.compose import effective_authority
from charter.spec import Clause, Example, Label, Section, Spec
from charter.text import CLAUSE_TAG, strip_tags

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'"
)
ASSETS = ("style.css", "search.js")
_LINK = re.compile(r"\]\(#([\w:.-]+)\)")
_TITLE_LINK = re.compile(r"\[\?\]\(#([\w:.-]+)\)")


@dataclass(frozen=True, slots=True)
class ClauseRun:
    """A clause's result in the latest complete run."""

    run_id: str
    model: str
    passed: int
    graded: int
    reviewing: int = 0
    """Replies no check or judge could grade."""

    @property
    def rate(self) -> str:
        return f"{self.passed / self.graded:.0%}" if self.graded else "n/a"


@dataclass(slots=True)
class _Site:
    spec: Spec
    pages: dict[str, list[Section]]
    """Page file name -> the top section and its descendants, in spec order."""
    page_of: dict[str, str] = field(default_factory=dict)
    """Section key -> page file name."""
    runs: dict[str, ClauseRun] = field(default_factory=dict)
    run_line: str = "No run recorded yet: `charter test` fills in the pass rates."
    precedents: dict[str, list[Any]] = field(default_factory=dict)
    clauses: dict[str, Clause] = field(default_factory=dict)
    """Clause id -> its first normative statement."""


def _slug(section: Section) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", section.key).strip("-") or "section"


def _top_sections(spec: Spec) -> list[Section]:
    """The sections that get a page: the title's children when one level-1 heading holds all."""
    roots = [s for s in spec.sections if s.parent is None]
    if len(roots) == 1 and roots[0].children:
        return [s for s in spec.sections if s.parent == roots[0].key]
    return roots


def _descendants(spec: Spec, top: Section) -> list[Section]:
    wanted = {top.key}
    found = []
    for section in spec.sections:
        if section.key in wanted or section.parent in wanted:
            wanted.add(section.key)
            found.append(section)
    return found


def _site(context: BuildContext) -> _Site:
    spec = context.spec
    pages: dict[str, list[Section]] = {}
    for top in _top_sections(spec):
        name = f"{_slug(top)}.html"
        pages[name] = _descendants(spec, top)
    site = _Site(spec, pages)
    for clause in spec.clauses:
        if clause.normative:
            site.clauses.setdefault(clause.id, clause)
    for name, sections in pages.items():
        for section in sections:
            site.page_of[section.key] = name
    _load_runs(site, context.root)
    _load_precedents(site, context.root)
    return site


def _load_runs(site: _Site, root: Path) -> None:
    from charter.run import store_path

    path = store_path(root)
    if not path.is_file():
        return
    from charter.report import RunReport
    from charter.run import RunStore, StoreError

    try:
        with RunStore(path) as store:
            complete = [s.run for s in store.list_runs() if s.run.status == "complete"]
            if not complete:
                return
            latest = complete[-1]
            report = RunReport.load(store, latest.id)
    except StoreError:
        return
    for result in report.clauses:
        tally = result.tally
        site.runs[result.id] = ClauseRun(
            latest.id, latest.model, tally.passed, tally.n, tally.needs_review
        )
    total = report.total
    rate = f"{total.passed / total.n:.1%}" if total.n else "n/a"
    site.run_line = (
        f"Latest complete run {latest.id} of {latest.model}: {total.passed} of {total.n} graded "
        f"replies passed ({rate})."
    )


def _load_precedents(site: _Site, root: Path) -> None:
    from charter.precedent import load_precedents

    cases, _ = load_precedents(root)
    for case in cases:
        for clause_id in case.clause_ids:
            site.precedents.setdefault(clause_id, []).append(case)


# rendering


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _body_markdown(site: _Site, section: Section, text: str, *, tags: bool = True) -> str:
    """Section markdown with clause tags as links to the clause cards and in-spec links pointing
    at the page that holds their target."""
    titles = {s.id: s.title for s in site.spec.sections if s.id}
    module = section.module

    def key_of(target: str) -> str:
        return f"{module}:{target}" if module and ":" not in target else target

    text = _TITLE_LINK.sub(lambda m: f"[{titles.get(key_of(m[1]), m[1])}](#{m[1]})", text)
    text = _LINK.sub(lambda m: f"]({site.page_of.get(key_of(m[1]), '')}#{key_of(m[1])})", text)
    if not tags:
        return text
    return CLAUSE_TAG.sub(lambda m: f" [\\[{key_of(m['id'])}\\]](#clause-{key_of(m['id'])})", text)


def _badge(level: str | None) -> str:
    name = level or "unranked"
    return f'<span class="badge badge-{_esc(name)}">{_esc(name)}</span>'


def _example_html(example: Example) -> str:
    title = _esc(example.title or "")
    parts = [f'<figure class="example"><figcaption>Example: {title}</figcaption>']
    for turn in example.turns:
        parts.append(
            f'<div class="turn turn-{_esc(turn.role)}"><span class="role">{_esc(turn.role)}'
            f"</span><p>{_esc(turn.content.strip())}</p></div>"
        )
    for reply in example.replies:
        label = reply.label.value if reply.label else "reply"
        css = "good" if reply.label is Label.GOOD else "bad" if reply.label is Label.BAD else "ok"
        why = f'<p class="why">{_esc(reply.reason.strip())}</p>' if reply.reason else ""
        parts.append(
            f'<div class="turn reply reply-{css}"><span class="role">{_esc(label)}</span>'
            f"<div><p>{_esc(reply.content.strip())}</p>{why}</div></div>"
        )
    parts.append("</figure>")
    return "".join(parts)


def _rate_html(site: _Site, clause_id: str) -> str:
    result = site.runs.get(clause_id)
    if result is None:
        return '<span class="rate rate-none">not run</span>'
    title = f'title="run {_esc(result.run_id)} of {_esc(result.model)}"'
    if not result.graded:
        waiting = f"{result.reviewing} need review" if result.reviewing else "not graded"
        return f'<span class="rate rate-none" {title}>{_esc(waiting)}</span>'
    css = "good" if result.passed == result.graded else "bad" if not result.passed else "mixed"
    return (
        f'<span class="rate rate-{css}" {title}>{result.rate} passed '
        f"({result.passed}/{result.graded})</span>"
    )


def _evidence_html(site: _Site, clause_id: str) -> list[str]:
    """The clause's challenge prompts and precedents, folded."""
    out = []
    prompt_file = site.spec.prompt_file(clause_id)
    if prompt_file is not None and prompt_file.examples:
        count = len(prompt_file.examples)
        noun = "challenge prompt" if count == 1 else "challenge prompts"
        out.append(f"<details><summary>{count} {noun} for {_esc(clause_id)}</summary>")
        out.append(f'<p class="where">{_esc(prompt_file.path)}</p>')
        out.extend(_example_html(example) for example in prompt_file.examples)
        out.append("</details>")
    cases = site.precedents.get(clause_id, [])
    if cases:
        out.append(f"<details><summary>{len(cases)} precedent(s)</summary><ul>")
        for case in cases:
            why = f": {_esc(case.rationale)}" if case.rationale else ""
            out.append(f"<li><b>{_esc(case.id)}</b> ({_esc(case.verdict)}){why}</li>")
        out.append("</ul></details>")
    return out


def _clause_card(site: _Site, section: Section, paragraph: str, ids: list[str], md: Any) -> str:
    """A paragraph that states clauses: its text once, with each clause's id, authority, latest
    pass rate, prompts and precedents."""
    first = site.clauses.get(ids[0])
    level = effective_authority(first).value if first else "developer"
    out = [f'<article class="clause clause-{_esc(level)}" id="clause-{_esc(ids[0])}">']
    out.extend(f'<span class="anchor-only" id="clause-{_esc(extra)}"></span>' for extra in ids[1:])
    for clause_id in ids:
        clause = site.clauses.get(clause_id)
        badge = _badge(effective_authority(clause).value) if clause else ""
        out.append(
            f'<header><a class="clause-id" href="#clause-{_esc(clause_id)}">{_esc(clause_id)}</a>'
            f" {badge} {_rate_html(site, clause_id)}</header>"
        )
    out.append(md.render(_body_markdown(site, section, CLAUSE_TAG.sub("", paragraph), tags=False)))
    for clause_id in ids:
        out.extend(_evidence_html(site, clause_id))
    out.append("</article>")
    return "\n".join(out)


def _section_html(site: _Site, section: Section, md: Any, top_level: int) -> str:
    """The section's heading, badge, text (each paragraph that states clauses as a clause card),
    commentary and examples; the page's top section is an h1 and deeper ones step down."""
    spec = site.spec
    anchor = _esc(section.id or section.key)
    level = max(1, min(section.level - top_level + 1, 6))
    out = [
        f'<section class="spec-section" id="{anchor}">',
        f'<h{level}><a class="anchor" href="#{anchor}">{_esc(section.title)}</a> '
        f"{_badge(section.authority.value if section.authority else None)}</h{level}>",
    ]
    module = section.module
    for paragraph in re.split(r"\n\s*\n", section.text.strip()):
        if not paragraph.strip():
            continue
        local = list(dict.fromkeys(m["id"] for m in CLAUSE_TAG.finditer(paragraph)))
        ids = [f"{module}:{i}" if module else i for i in local]
        if ids:
            out.append(_clause_card(site, section, paragraph, ids, md))
        else:
            out.append(md.render(_body_markdown(site, section, paragraph)))
    for note in spec.commentary:
        if note.section == section.key:
            out.append(
                f'<aside class="commentary"><b>{_esc(note.title)}</b>'
                f"{md.render(_body_markdown(site, section, note.text))}</aside>"
            )
    for example in spec.examples:
        if example.section == section.key:
            out.append(_example_html(example))
    out.append("</section>")
    return "\n".join(out)


def _page(site: _Site, title: str, body: str, current: str) -> str:
    spec = site.spec
    name = spec.name or "spec"
    version = f" {spec.version}" if spec.version else ""
    nav = ['<li><a href="index.html"' + (' aria-current="page"' if current == "index.html" else "")]
    nav[0] += ">Overview</a></li>"
    for page, sections in site.pages.items():
        here = ' aria-current="page"' if page == current else ""
        nav.append(f'<li><a href="{page}"{here}>{_esc(sections[0].title)}</a></li>')
    nav.append(
        '<li><a href="changelog.html"'
        + (' aria-current="page"' if current == "changelog.html" else "")
        + ">Changelog</a></li>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="charter-spec-hash" content="{_esc(spec_hash(spec))}">\n'
        f"<title>{_esc(title)} · {_esc(name)}{_esc(version)}</title>\n"
        '<link rel="stylesheet" href="style.css">\n'
        '<script src="search.js" defer></script>\n'
        "</head>\n<body>\n"
        '<header class="top"><a class="brand" href="index.html">'
        f"{_esc(name)}<span>{_esc(version)}</span></a>"
        '<form class="search" action="search.html" method="get" role="search">'
        '<input type="search" name="q" placeholder="Search clauses and sections" '
        'aria-label="Search"></form></header>\n'
        f'<div class="layout"><nav><ul>{"".join(nav)}</ul></nav>\n'
        f"<main>\n{body}\n</main></div>\n"
        f"<footer>Built by <code>charter build</code> from {_esc(name)}{_esc(version)}, spec "
        f"<code>{_esc(spec_hash(spec))}</code>. {_esc(site.run_line)}</footer>\n"
        "</body>\n</html>\n"
    )


def _index(site: _Site, md: Any) -> str:
    spec = site.spec
    roots = [s for s in spec.sections if s.parent is None]
    intro = ""
    if len(roots) == 1 and roots[0].children:
        intro = md.render(_body_markdown(site, roots[0], roots[0].text))
    rows = []
    for page, sections in site.pages.items():
        clauses = {c for s in sections for c in s.clauses}
        levels = sorted({s.authority.value for s in sections if s.authority})
        badges = " ".join(_badge(level) for level in levels)
        rows.append(
            f'<tr><td><a href="{page}">{_esc(sections[0].title)}</a></td>'
            f"<td>{badges}</td><td>{len(clauses)}</td></tr>"
        )
    title = roots[0].title if len(roots) == 1 else (spec.name or "Spec")
    owner = f'<p class="owner">Owner: {_esc(spec.owner)}</p>' if spec.owner else ""
    body = (
        f"<h1>{_esc(title)}</h1>{owner}{intro}"
        f'<p class="run-line">{_esc(site.run_line)}</p>'
        '<table class="toc"><thead><tr><th>Section</th><th>Authority</th><th>Clauses</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(site, "Overview", body, "index.html")


def _changelog(site: _Site, root: Path, md: Any) -> str:
    path = root / "CHANGELOG.md"
    if path.is_file():
        body = md.render(path.read_text(encoding="utf-8", errors="replace"))
    else:
        body = (
            "<h1>Changelog</h1><p>The project has no CHANGELOG.md yet (`charter changelog` "
            "writes an entry).</p>"
        )
    return _page(site, "Changelog", body, "changelog.html")


def _excerpt(text: str, limit: int = 300) -> str:
    """`text` cut at a word boundary near `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _search_index(site: _Site) -> list[dict[str, str]]:
    entries = []
    for section in site.spec.sections:
        page = site.page_of.get(section.key)
        if page is None:
            continue
        anchor = section.id or section.key
        entries.append(
            {
                "kind": "section",
                "id": anchor,
                "title": section.title,
                "authority": section.authority.value if section.authority else "",
                "text": _excerpt(strip_tags(section.text)),
                "href": f"{page}#{anchor}",
            }
        )
    seen: set[str] = set()
    for clause in site.spec.clauses:
        page = site.page_of.get(clause.section or "")
        if page is None or clause.id in seen or not clause.normative:
            continue
        seen.add(clause.id)
        entries.append(
            {
                "kind": "clause",
                "id": clause.id,
                "title": clause.id,
                "authority": effective_authority(clause).value,
                "text": strip_tags(clause.text),
                "href": f"{page}#clause-{clause.id}",
            }
        )
    return entries


def _search_page(site: _Site, index: list[dict[str, str]]) -> str:
    from charter.report import embed_json

    body = (
        "<h1>Search</h1>"
        '<p id="search-status">Type in the search box above.</p>'
        '<ol id="search-results" class="results"></ol>'
        f'<script type="application/json" id="search-index">{embed_json(index)}</script>'
    )
    return _page(site, "Search", body, "search.html")


def _asset(name: str) -> bytes:
    return resources.files("charter.build").joinpath("docs", name).read_bytes()


def docs_site(context: BuildContext) -> dict[str, str | bytes]:
    """Every file of the site, by relative path."""
    site = _site(context)
    md = _markdown()
    files: dict[str, str | bytes] = {"index.html": _index(site, md)}
    for page, sections in site.pages.items():
        top_level = sections[0].level
        body = "\n".join(_section_html(site, section, md, top_level) for section in sections)
        files[page] = _page(site, sections[0].title, body, page)
    files["changelog.html"] = _changelog(site, context.root, md)
    index = _search_index(site)
    files["search-index.json"] = json.dumps(index, indent=1, ensure_ascii=False) + "\n"
    files["search.html"] = _search_page(site, index)
    for name in ASSETS:
        files[name] = _asset(name)
    return files


@target(
    "docs",
    summary="a static documentation site: a page per top section, clause anchors, pass rates",
    default_output="dist/docs",
    directory=True,
)
def build_docs(context: BuildContext) -> Artifact:
    files = docs_site(context)
    encoded = {
        name: content if isinstance(content, bytes) else content.encode("utf-8")
        for name, content in files.items()
    }
    pages = sum(1 for name in files if name.endswith(".html"))
    return Artifact(encoded, f"{pages} pages")
