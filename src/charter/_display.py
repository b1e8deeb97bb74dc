"""Text that came from a model, a spec or a server, made safe to print, mark up or put in XML.

A reply may carry terminal escapes (a new window title, a cleared screen, an OSC 8 link),
bidirectional overrides, or rich markup (`[/bold]`, `[link=...]`). Every printer passes such
text through `printable` (plain output), `markup_safe` (rich consoles and tables) or `xml_safe`
(JUnit), so that it is shown as the characters it is, never interpreted.
"""

from __future__ import annotations

import re

from charter._secrets import redact

_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
"""Control characters (all but tab and newline), C1 controls, line and paragraph separators and
the bidirectional marks and overrides."""
_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold, even escaped."""


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with each control character written out visibly (`ESC` becomes `\\x1b`) and
    every configured secret redacted."""
    return _UNPRINTABLE.sub(_shown, redact(text))


def markup_safe(text: str) -> str:
    """`printable(text)` with rich markup escaped: for `Console.print` and table cells."""
    from rich.markup import escape

    return escape(printable(text))


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids written out visibly, so the document parses,
    and every configured secret redacted."""
    return _XML_FORBIDDEN.sub(_shown, redact(text))
