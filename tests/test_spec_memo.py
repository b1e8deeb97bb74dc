"""The markdown reader's memos: a text parsed again, or parsed in pieces, gives the tokens a
plain parser gives for the whole text, and a file's link reference definitions always count."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from charter._memo import Memo, forget_all, remember_texts, remembering
from charter.spec import MAX_NESTING, markdown_parser, markdown_tokens, parsed_tokens
from charter.spec._chunks import cut_points


@pytest.fixture(autouse=True)
def _remembering() -> Iterator[None]:
    """The memos on, as the language server has them."""
    before = remembering()
    remember_texts()
    yield
    remember_texts(before)


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


def _pieces_parse(text: str) -> list[object]:
    forget_all()
    return _dump(markdown_tokens(text))


_TRICKY = [
    "# A\n\n```\n\n# not a heading\n```\n\n# B\n",
    "# A\n\n~~~xml\n<user>\n\n# in the example\n</user>\n\n# still in it\n",  # never closed
    "- item\n\n  ```\n  code\n\n# B\n\n```\n\n# in the fence\n```\n",
    "- item\n  <!-- open\n\n```\n-->\n\n# in the fence\n```\n",
    "<!-- a comment\n\n# inside it\n-->\n\n# B\n",
    "<div>\n```\n</div>\n\n# A\n```\ntext\n\n# in the fence\n```\n",
    "See [the rules].\n\n# A\n\n[the rules]: #rules\n",
    "# A\n\n[multi\nline]: /x\n\n# B\n\n[multi line]\n",
    "<pre>\n\n# inside pre\n</pre>\n\n# B\n",
    "---\nname: x\n---\n# A\n\ntext\n\n# B\n",
    "---\nname: x\n\n# not closed\n",
    "> quote\n\n# A\n> more\n# B\n\n    # code\n\n# C\n",
    "1. one\n   ```bash\n   run\n   ```\n\n# A\n\n!!! meta\n    # commentary\n\n# B\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n# A\n\ntext\n# B\n",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_a_file_parsed_in_pieces_gives_the_tokens_of_the_whole(text: str) -> None:
    assert _pieces_parse(text) == _dump(_plain_parser().parse(text))


def test_random_files_parsed_in_pieces_give_the_tokens_of_the_whole() -> None:
    blocks = [
        "# Heading", "## Sub {#sub}", "Text with [a link](#sub).", "```", "   ```", "~~~xml",
        "~~~", "- item", "  ```", "  nested", "<!-- open", "-->", "<!-- one line -->", "<div>",
        "> quote", "    indented", "[ref]", "!!! meta", "    note", "<user>", "---",
        "| a |\n|---|",
    ]  # fmt: skip
    plain = _plain_parser()
    chooser = random.Random(17)
    cut = 0
    for _ in range(1000):
        count = chooser.randint(3, 40)
        text = "".join(
            chooser.choice(blocks) + chooser.choice(["\n", "\n\n"]) for _ in range(count)
        )
        cut += len(cut_points(text) or [0]) > 1
        assert _pieces_parse(text) == _dump(plain.parse(text)), text
    assert cut > 50  # enough of the files were cut for the comparison to count


@pytest.mark.usefixtures("corpora")
def test_the_model_spec_is_parsed_in_pieces_and_an_edit_reparses_one(release_0912: Path) -> None:
    text = (release_0912 / "model_spec.md").read_text(encoding="utf-8")
    points = cut_points(text)
    assert points is not None and len(points) > 50
    assert _pieces_parse(text) == _dump(_plain_parser().parse(text))
    for edited in (
        text.replace("The assistant must", "The assistant must quickly", 1),
        text.replace("The assistant must", "The assistant\n\nmust", 1),  # lines move below
    ):
        assert _dump(markdown_tokens(edited)) == _dump(_plain_parser().parse(edited))


def test_with_the_memos_off_only_the_shared_parse_is_kept() -> None:
    remember_texts(False)
    forget_all()
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    assert memo.get("a") is None and len(memo) == 0
    text = "# Title\n\nThe assistant must reply.\n\n# Second\n\nText.\n"
    assert markdown_tokens(text) is markdown_tokens(text)  # the reader's parse, for the linter
    assert _dump(markdown_tokens(text)) == _dump(_plain_parser().parse(text))
