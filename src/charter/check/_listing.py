"""Every rule as `charter rules` lists it: a text table, JSON, or the markdown of docs/rules.md."""

from __future__ import annotations

import json

from charter.diagnostics import all_rules, rules_markdown

RULE_FORMATS = ("text", "json", "markdown")


def rules_listing(output_format: str = "text") -> str:
    """Every registered rule (import `charter.check` first, which registers them): code, name,
    default severity, summary; JSON adds whether it is fixable, in preview, and its doc."""
    found = all_rules()
    if output_format == "markdown":
        return rules_markdown()
    if output_format == "json":
        keys = ("code", "name", "severity", "summary", "fixable", "preview", "doc")
        payload = [
            {key: r.severity.value if key == "severity" else getattr(r, key) for key in keys}
            for r in found
        ]
        return json.dumps(payload, indent=2) + "\n"
    width = max(len(r.name) for r in found)
    return "".join(
        f"{r.code:<6}{r.name:<{width + 2}}{r.severity.value:<9}{r.summary}"
        f"{' (preview)' if r.preview else ''}\n"
        for r in found
    )
