"""Precision and recall of the modality test on the labelled pairs, recomputed from the data."""

from __future__ import annotations

from pathlib import Path

from charter._yaml import load_yaml
from charter.conflict import opposed, statements

DATA = Path(__file__).parent / "data" / "conflict_pairs.yaml"


def _predict(first: str, second: str) -> bool:
    a, b = statements(first, 0), statements(second, 1)
    return any(opposed(x, y) is not None for x in a for y in b)


def test_labelled_pairs_precision_and_recall() -> None:
    pairs = load_yaml(DATA.read_text(encoding="utf-8")).data["pairs"]
    assert len(pairs) >= 60
    assert all(pair["reason"] and isinstance(pair["conflict"], bool) for pair in pairs)
    labels = [pair["conflict"] for pair in pairs]
    assert 0.3 < sum(labels) / len(labels) < 0.7
    predicted = [_predict(pair["a"], pair["b"]) for pair in pairs]
    tp = sum(p and t for p, t in zip(predicted, labels, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, labels, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, labels, strict=True))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(
        f"labelled pairs: n={len(pairs)} tp={tp} fp={fp} fn={fn} P={precision:.2f} R={recall:.2f}"
    )
    assert precision >= 0.85
    assert recall >= 0.75


def test_typographic_contractions_are_negative_statements() -> None:
    (curly,) = statements("The assistant shouldn’t share account numbers.")
    (straight,) = statements("The assistant shouldn't share account numbers.")
    assert (curly.polarity, curly.modal) == (straight.polarity, straight.modal) == (-1, "shouldn't")
    assert curly.text == "The assistant shouldn’t share account numbers."
    assert _predict(
        "The assistant should share account numbers with the owner.",
        "The assistant shouldn’t share account numbers with the owner.",
    )
