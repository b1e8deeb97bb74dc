"""Model prices: the table shipped with Charter (US dollars per million tokens) and a project's
own, looked up by model name or glob pattern."""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from charter.errors import ConfigError


class PriceTableError(ConfigError, ValueError):
    """A price table is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Price:
    input: float
    output: float
    """US dollars per million tokens."""
    batch: float | None = None
    """The share of these prices paid through the provider's batch endpoint (0.5: half), when
    the table knows it."""


PRICE_KEYS = ("input", "output", "batch")


def shipped_prices() -> dict[str, Price]:
    """The packaged price table (read once; a fresh dict each call)."""
    return dict(_shipped())


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Price]:
    text = resources.files("charter.model").joinpath("prices.toml").read_text("utf-8")
    return parse_prices(tomllib.loads(text), "charter/model/prices.toml")


def load_prices(path: Path) -> dict[str, Price]:
    """Read a price table file. Raises `PriceTableError` or `OSError`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PriceTableError(f"{path}: invalid TOML: {error}") from None
    return parse_prices(data, str(path))


def parse_prices(data: Mapping[str, Any], where: str) -> dict[str, Price]:
    prices: dict[str, Price] = {}
    for key, entry in data.items():
        if not isinstance(entry, Mapping):
            raise PriceTableError(
                f'{where}: ["{key}"] must be a table with input = and output = prices'
            )
        unknown = sorted(set(entry) - set(PRICE_KEYS))
        if unknown:
            raise PriceTableError(
                f'{where}: ["{key}"] has no setting `{unknown[0]}`; an entry holds '
                f"{', '.join(PRICE_KEYS)}"
            )
        values: list[float] = []
        for part in ("input", "output"):
            value = entry.get(part)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise PriceTableError(
                    f'{where}: ["{key}"] {part} must be a price in dollars per million tokens'
                )
            values.append(float(value))
        share = entry.get("batch")
        if share is not None and (
            isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1
        ):
            raise PriceTableError(
                f'{where}: ["{key}"] batch must be the share of the price paid through the '
                "batch endpoint, more than 0 and at most 1 (0.5: half)"
            )
        prices[str(key)] = Price(values[0], values[1], None if share is None else float(share))
    return prices


def price_for(model: str, prices: Mapping[str, Price]) -> Price | None:
    if model in prices:
        return prices[model]
    for pattern, price in prices.items():
        if fnmatch.fnmatchcase(model, pattern):
            return price
    return None
