"""Checks on the call rather than the text: latency, tokens, cost; and custom Python checks."""

from __future__ import annotations

import importlib
import re
from typing import Any

from charter.checks._registry import Outcome, Reply, category, check_kind

category("The call")

_POSITIVE = {"type": "number", "exclusiveMinimum": 0}


@check_kind("K040", "max_latency", _POSITIVE, "a number of seconds")
def max_latency(value: float, reply: Reply) -> Outcome:
    """The call took at most this many seconds, from request to the whole reply.

    Example: `- max_latency: 5`.

    Limits: a reply taken from the cache keeps the latency of the call that made it; a reply with
    no recorded latency is undecided.
    """
    if reply.latency is None:
        return Outcome.undecided("no latency recorded for this reply")
    ok = reply.latency <= value
    return Outcome.of(ok, f"{reply.latency:.2f} s {'<=' if ok else '>'} {value} s")


@check_kind("K041", "max_tokens", {"type": "integer", "minimum": 1}, "a whole number of tokens")
def max_tokens(value: int, reply: Reply) -> Outcome:
    """The reply used at most this many output tokens, as the provider counted them.

    Example: `- max_tokens: 200`.

    Limits: undecided when the provider reported no token count.
    """
    if reply.output_tokens is None:
        return Outcome.undecided("the provider reported no output tokens")
    ok = reply.output_tokens <= value
    return Outcome.of(ok, f"{reply.output_tokens} output tokens {'<=' if ok else '>'} {value}")


@check_kind("K042", "max_cost", _POSITIVE, "a number of US dollars")
def max_cost(value: float, reply: Reply) -> Outcome:
    """The call cost at most this many US dollars: its token counts at the shipped price list
    (the one `charter test --dry-run` uses).

    Example: `- max_cost: 0.002`.

    Limits: undecided for a model with no price (local models) or a call with no token counts.
    """
    from charter.model import price_for, shipped_prices

    price = price_for(reply.model, shipped_prices()) if reply.model else None
    if price is None or reply.input_tokens is None or reply.output_tokens is None:
        return Outcome.undecided(f"no price or token counts for {reply.model or 'the model'}")
    cost = (reply.input_tokens * price.input + reply.output_tokens * price.output) / 1e6
    ok = cost <= value
    return Outcome.of(ok, f"${cost:.6f} {'<=' if ok else '>'} ${value}")


category("Custom")

_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def _importable_target(value: Any) -> None:
    if not _TARGET.match(value):
        raise ValueError(f"python takes `module:function`, not {value!r}")
    module, name = value.split(":")
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError as error:
        raise ValueError(f"python: cannot import {module} ({error})") from None
    if not callable(found):
        raise ValueError(f"python: {module} has no function {name}")


@check_kind("K043", "python", {"type": "string"}, "`module:function`", prepare=_importable_target)
def python(value: str, reply: Reply) -> Outcome:
    """A function of yours decides: `module:function` is called with the reply text and returns
    True (pass), False (fail), None (undecided), or a (result, reason) pair.

    Example: `- python: "acme_checks:mentions_order_id"` (the module on `PYTHONPATH`).

    Limits: it runs in the grading process with your permissions; an exception it raises makes the
    reply undecided with the error as the reason.
    """
    module, name = value.split(":")
    function = getattr(importlib.import_module(module), name)
    try:
        said = function(reply.text)
    except Exception as error:
        return Outcome.undecided(f"{value} raised {type(error).__name__}: {error}")
    verdict, reason = said if isinstance(said, tuple) else (said, value)
    if verdict is None:
        return Outcome.undecided(str(reason))
    if not isinstance(verdict, bool):
        return Outcome.undecided(f"{value} returned {type(verdict).__name__}, not a bool")
    return Outcome.of(verdict, str(reason))
