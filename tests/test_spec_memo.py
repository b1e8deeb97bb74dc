"""The markdown reader's memo of inline tokens: a text parsed again gives the tokens a parser
without the memo gives, and a file's link reference definitions are never ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from charter._memo import Memo, forget_all
from charter.spec import MAX_NESTING, markdown_parser, markdown_tokens, parsed_tokens


def _plain_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    return parser.use(front_matter_plugin).use(admon_plugin).enable("table")


def _dump(tokens: list[Token]) -> list[object]:
    return [token.as_dict() for token in tokens]


def test_a_reference_definition_is_seen_although_the_text_was_parsed_without_it() -> None:
    forget_all()
    assert "link_open" not in str(_dump(markdown_parser().parse("See [the rules].\n")))
    with_definition = "See [the rules].\n\n[the rules]: #rules\n"
    parsed = markdown_parser().parse(with_definition)
    assert _dump(parsed) == _dump(_plain_parser().parse(with_definition))
    assert "link_open" in str(_dump(parsed))
    again = markdown_parser().parse("See [the rules].\n")  # and not remembered as a link
    assert "link_open" not in str(_dump(again))


@pytest.mark.usefixtures("corpora")
def test_memo_tokens_equal_plain_tokens_on_the_model_spec(release_0912: Path) -> None:
    text = (release_0912 / "model_spec.md").read_text(encoding="utf-8")
    edited = text.replace("The assistant must", "The assistant must quickly", 3)
    plain = _plain_parser()
    markdown_parser().parse(text)  # fills the memo
    assert _dump(markdown_parser().parse(edited)) == _dump(plain.parse(edited))


def test_markdown_tokens_are_parsed_once_per_text() -> None:
    first = markdown_tokens("# Title\n\nThe assistant must reply.\n")
    assert markdown_tokens("# Title\n\nThe assistant must reply.\n") is first
    assert parsed_tokens("# Title\n\nThe assistant must reply.\n") is first
    assert parsed_tokens("# Other\n") is None


def test_memo_drops_the_entry_used_longest_ago() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "b" is now the oldest
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)
    assert len(memo) == 2
