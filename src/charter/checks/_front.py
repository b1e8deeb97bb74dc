"""The checks a prompt file's front matter gives: for the file, and per example title."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from charter.checks._compose import EXAMPLE_KEYS, validate_entry
from charter.checks._registry import CheckFormatError


def checks_for(front_matter: Mapping[str, Any], title: str | None) -> list[dict[str, Any]]:
    """The file's checks plus those given for the example `title`, validated; an example with
    `override: true` replaces the file's checks with its own.

    Raises `CheckFormatError` naming the offending entry.
    """
    found = _validate(front_matter.get("checks", []), ("checks",))
    per_example = _per_example(front_matter)
    if title is not None and title in per_example:
        own = _example_checks(per_example, title)
        if per_example[title].get("override") is True:
            return own
        found.extend(own)
    return found


def validate_checks(front_matter: Mapping[str, Any]) -> None:
    """Every check the front matter gives, for the file and for each example title.

    Raises `CheckFormatError` for the first malformed one.
    """
    _validate(front_matter.get("checks", []), ("checks",))
    per_example = _per_example(front_matter)
    for title in per_example:
        _example_checks(per_example, title)


def _per_example(front_matter: Mapping[str, Any]) -> Mapping[Any, Any]:
    per_example = front_matter.get("examples", {})
    if not isinstance(per_example, Mapping):
        raise CheckFormatError(
            "`examples` must map example titles to {checks: [...]}", ("examples",)
        )
    return per_example


def _example_checks(per_example: Mapping[Any, Any], title: Any) -> list[dict[str, Any]]:
    entry = per_example[title]
    keys: tuple[str | int, ...] = ("examples", str(title))
    if not isinstance(entry, Mapping):
        raise CheckFormatError(f"examples[`{title}`] must be a mapping with a `checks` list", keys)
    for key in entry:
        if key not in EXAMPLE_KEYS:
            close = difflib.get_close_matches(str(key), EXAMPLE_KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise CheckFormatError(
                f"examples[`{title}`]: unknown key `{key}`{hint} (the keys are "
                f"{', '.join(EXAMPLE_KEYS)})",
                (*keys, str(key)),
            )
    if "override" in entry and not isinstance(entry["override"], bool):
        raise CheckFormatError(f"examples[`{title}`].override takes true or false", keys)
    return _validate(entry.get("checks", []), (*keys, "checks"))


def where(keys: tuple[str | int, ...]) -> str:
    """`checks[2]`, examples[`asks`].checks[0]: a place in the front matter, as messages say."""
    text = ""
    for key in keys:
        if isinstance(key, int):
            text += f"[{key}]"
        elif text.endswith("examples"):
            text += f"[`{key}`]"
        else:
            text += f".{key}" if text else key
    return text


def _validate(raw: Any, keys: tuple[str | int, ...]) -> list[dict[str, Any]]:
    place = where(keys)
    if not isinstance(raw, list):
        raise CheckFormatError(f'`{place}` must be a list of checks, e.g. - contains: "..."', keys)
    checks: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        try:
            checks.append(validate_entry(f"{place}[{index}]", item))
        except CheckFormatError as error:
            raise CheckFormatError(str(error), (*keys, index)) from None
    return checks
