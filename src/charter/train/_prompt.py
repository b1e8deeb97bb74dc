"""The compiled system prompt a spec gives its model: what context distillation distils.

`system_prompt(spec)` is the one place the training stage asks for it. It uses the project's
compiler (`charter.build`) when that stage is installed, and otherwise the spec's normative
clauses in order under their section titles, each with its id.
"""

from __future__ import annotations

import importlib

from charter.spec import Spec


def system_prompt(spec: Spec) -> str:
    """The system prompt for `spec`'s model."""
    try:
        build = importlib.import_module("charter.build")
    except ImportError:
        return clause_listing(spec)
    compile_prompt = getattr(build, "system_prompt", None)
    if compile_prompt is None:
        return clause_listing(spec)
    return str(compile_prompt(spec))


def clause_listing(spec: Spec) -> str:
    """Every normative clause, grouped under its section's title, in spec order."""
    lines: list[str] = []
    for section in spec.sections:
        clauses = [spec.clause(cid) for cid in dict.fromkeys(section.clauses)]
        texts = list(dict.fromkeys(c.text for c in clauses if c is not None and c.normative))
        if not texts:
            continue
        lines.append(f"## {section.title}")
        lines.extend(f"- {text}" for text in texts)
        lines.append("")
    return "\n".join(lines).strip()
