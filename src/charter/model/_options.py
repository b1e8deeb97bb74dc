"""Checked access to a provider's options (from `charter.toml`, the command line or code)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from charter._shown import written
from charter.model._types import ProviderConfigError


class Options:
    """A provider's options: unknown names are refused, values are converted with a clear error."""

    def __init__(self, provider: str, given: Mapping[str, Any], known: Iterable[str]) -> None:
        self.provider = provider
        self._given = dict(given)
        allowed = sorted(known)
        unknown = sorted(set(self._given) - set(allowed))
        if unknown:
            choices = ", ".join(allowed) if allowed else "none"
            raise ProviderConfigError(
                f"provider `{provider}` has no option `{unknown[0]}` (its options: {choices})"
            )

    def _bad(self, name: str, value: Any, expected: str) -> ProviderConfigError:
        return ProviderConfigError(
            f"provider `{self.provider}`: option {name}={written(value)} is not {expected}"
        )

    def text(self, name: str) -> str | None:
        """The option as a string, or None when it is not given (or given empty)."""
        value = self._given.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self._bad(name, value, "a string")
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        """The option, which must be one of `choices`, or None when not given."""
        value = self.text(name)
        if value is not None and value not in choices:
            raise self._bad(name, value, "one of " + ", ".join(choices))
        return value

    def integer(self, name: str, default: int, *, minimum: int = 1) -> int:
        """The option as a whole number of at least `minimum`."""
        value = self._given.get(name)
        if value is None:
            return default
        try:
            number = int(str(value), 10) if not isinstance(value, int) else value
        except ValueError:
            raise self._bad(name, value, "a whole number") from None
        if isinstance(value, bool) or number < minimum:
            raise self._bad(name, value, f"a whole number of at least {minimum}")
        return number
