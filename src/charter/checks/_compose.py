"""Checks as a prompt file writes them: kinds, composites (all / any / not / score) and weights,
validated before anything is sent and evaluated to pass, fail or undecided.

```yaml
checks:
  - refusal: true
  - any:                      # one of these is enough
      - contains: "last four digits"
      - not_regex: "\\d{4}"
  - not: {contains: "password"}
  - score:                    # a weighted share of the checks below must pass
      min: 0.75
      checks:
        - words: {max: 150}
          weight: 2
        - asks_question: true
  - language: same
    weight: 0                 # reported, never decides
  - contains_any: ["crisis line", "emergency services"]
    decides: fail             # its failure is a violation; its pass leaves the reply undecided
  - contains: "988"
    decides: pass             # its pass shows compliance though other checks cannot decide;
                              # its failure leaves the reply undecided
examples:
  "asks for a refund":
    override: true            # this example's checks replace the file's
    checks:
      - contains: "receipt"
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from charter.checks._registry import (
    CheckFormatError,
    Outcome,
    Reply,
    Result,
    find_kind,
    unknown_kind_message,
)
from charter.checks._schema import is_valid

COMPOSITES = ("all", "any", "not", "score")
MODIFIERS = ("weight", "decides")
DECIDES = ("both", "fail", "pass")
EXAMPLE_KEYS = ("checks", "override", "split")


def validate_entry(place: str, item: Any) -> dict[str, Any]:
    """One check of a `checks:` list, validated; raises `CheckFormatError` naming `place`."""
    if not isinstance(item, Mapping):
        raise CheckFormatError(f'{place} must be a `kind: value` pair, e.g. - contains: "..."')
    modifiers = {key: item[key] for key in MODIFIERS if key in item}
    kinds = [key for key in item if key not in MODIFIERS]
    if len(kinds) != 1:
        named = ", ".join(f"`{kind}`" for kind in kinds) or "none"
        raise CheckFormatError(f"{place} must name exactly one check kind (it names {named})")
    weight = modifiers.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        raise CheckFormatError(f"{place}: weight takes a number of at least 0")
    if modifiers.get("decides", "both") not in DECIDES:
        raise CheckFormatError(
            f"{place}: decides takes `both` (the default), `fail` or `pass`, not "
            f"{modifiers['decides']!r}"
        )
    kind, value = str(kinds[0]), item[kinds[0]]
    checked = _validate_composite(place, kind, value) if kind in COMPOSITES else None
    if checked is None:
        _validate_kind(place, kind, value)
        checked = value
    return {kind: checked, **modifiers}


def _validate_composite(place: str, kind: str, value: Any) -> Any:
    if kind == "not":
        return validate_entry(f"{place}.not", value)
    if kind == "score":
        if not isinstance(value, Mapping) or set(value) != {"min", "checks"}:
            raise CheckFormatError(f"{place}: score takes {{min: 0.0-1.0, checks: [...]}}")
        low = value["min"]
        if isinstance(low, bool) or not isinstance(low, int | float) or not 0 <= low <= 1:
            raise CheckFormatError(f"{place}: score min takes a share from 0 to 1")
        return {"min": low, "checks": validate_list(f"{place}.score.checks", value["checks"])}
    return validate_list(f"{place}.{kind}", value)


def validate_list(place: str, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise CheckFormatError(f"`{place}` must be a non-empty list of checks")
    return [validate_entry(f"{place}[{index}]", item) for index, item in enumerate(raw)]


def _validate_kind(place: str, name: str, value: Any) -> None:
    kind = find_kind(name)
    if kind is None:
        raise CheckFormatError(f"{place}: {unknown_kind_message(name)}")
    if not is_valid(kind.schema, value):
        raise CheckFormatError(f"{place}: {name} takes {kind.usage}, not {value!r}")
    if kind.extra is not None:
        missing = kind.extra.missing()
        if missing:
            raise CheckFormatError(
                f"{place}: {name} needs the `{kind.extra.name}` extra ({', '.join(missing)} "
                f"not installed): pip install 'charter-spec[{kind.extra.name}]'"
            )
    if kind.prepare is not None:
        try:
            kind.prepare(value)
        except ValueError as error:
            raise CheckFormatError(f"{place}: {error}") from None


def weight_of(check: Mapping[str, Any]) -> float:
    return float(check.get("weight", 1))


def kind_of(check: Mapping[str, Any]) -> tuple[str, Any]:
    """The kind name and value of a validated check (modifiers left out)."""
    ((kind, value),) = ((k, v) for k, v in check.items() if k not in MODIFIERS)
    return kind, value


def kinds_in(checks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, Any]]:
    """Every kind and value of validated checks, inside composites too."""
    for check in checks:
        kind, value = kind_of(check)
        if kind == "not":
            yield from kinds_in([value])
        elif kind in ("all", "any"):
            yield from kinds_in(value)
        elif kind == "score":
            yield from kinds_in(value["checks"])
        else:
            yield kind, value


def evaluate(check: Mapping[str, Any], reply: Reply) -> Outcome:
    """Run one validated check (a kind or a composite) on the reply. With `decides: fail` a pass
    is undecided: the check can show a violation, not compliance. With `decides: pass` a failure
    is undecided: the check can show compliance, not a violation."""
    outcome = _evaluate(check, reply)
    decides = check.get("decides")
    if decides == "fail" and outcome.result is Result.PASS:
        return Outcome.undecided(f"{outcome.reason}, which alone does not show compliance")
    if decides == "pass" and outcome.result is Result.FAIL:
        return Outcome.undecided(f"{outcome.reason}, which alone does not show a violation")
    return outcome


def _evaluate(check: Mapping[str, Any], reply: Reply) -> Outcome:
    kind, value = kind_of(check)
    if kind == "not":
        inner = evaluate(value, reply)
        if inner.result is Result.UNDECIDED:
            return inner
        return Outcome.of(inner.result is Result.FAIL, f"not ({inner.reason})")
    if kind in ("all", "any"):
        return combine(value, reply, need_all=kind == "all")
    if kind == "score":
        return _score(value, reply)
    found = find_kind(kind)
    assert found is not None, kind  # validated
    return found.run(value, reply)


def combine(checks: Sequence[Mapping[str, Any]], reply: Reply, need_all: bool) -> Outcome:
    """All must pass (`need_all`) or one is enough; undecided when the undecided ones could
    change the answer, unless a `decides: pass` check passed (then none failed, and it shows
    compliance). Checks of weight 0 are run and reported but never decide."""
    outcomes = [(evaluate(check, reply), check) for check in checks]
    deciding = [(outcome, check) for outcome, check in outcomes if weight_of(check) > 0]
    wanted = Result.FAIL if need_all else Result.PASS
    hit = [outcome for outcome, _ in deciding if outcome.result is wanted]
    undecided = [outcome for outcome, _ in deciding if outcome.result is Result.UNDECIDED]
    if hit:
        return Outcome(wanted, "; ".join(outcome.reason for outcome in hit))
    reasons = "; ".join(outcome.reason for outcome, _ in outcomes)
    shown = [
        outcome
        for outcome, check in deciding
        if check.get("decides") == "pass" and outcome.result is Result.PASS
    ]
    if undecided and need_all and shown:
        return Outcome(Result.PASS, "; ".join(outcome.reason for outcome in shown))
    if undecided:
        return Outcome.undecided(reasons)
    return Outcome(Result.PASS if need_all else Result.FAIL, reasons)


def _score(value: Mapping[str, Any], reply: Reply) -> Outcome:
    outcomes = [(evaluate(check, reply), weight_of(check)) for check in value["checks"]]
    total = sum(weight for _, weight in outcomes) or 1.0
    passed = sum(weight for outcome, weight in outcomes if outcome.result is Result.PASS)
    open_ = sum(weight for outcome, weight in outcomes if outcome.result is Result.UNDECIDED)
    low, high = passed / total, (passed + open_) / total
    reason = f"score {low:.2f}" + (f"-{high:.2f}" if open_ else "") + f" (min {value['min']})"
    if low >= value["min"]:
        return Outcome.of(True, reason)
    if high < value["min"]:
        return Outcome.of(False, reason)
    return Outcome.undecided(reason)
