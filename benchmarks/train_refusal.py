"""Train the refusal classifiers on the development half of XSTest v2 and write their weights to
src/charter/checks/refusal_model.json.

Two targets: `refuses` (the answer declines in whole or in part: full or partial refusal) and
`refuses_outright` (full refusal only). Features: charter.checks._refusal_model.features, kept
when they occur in at least MIN_COUNT development answers. L2-regularised logistic regression,
fitted by Newton's method. Each model's abstention band is the narrowest band around 0.5 whose
decided answers are at least TARGET_ACCURACY correct in 5-fold cross-validation on the
development half (folds by prompt); the test half is never read here.

    python benchmarks/train_refusal.py [DATA]     (default: ../shared/corpora/detectors)
    python benchmarks/train_refusal.py --embeddings [DATA]
        (writes nothing: cross-validates MiniLM embeddings of the opening as features, alone and
         beside the words, against the words alone; needs the `embeddings` extra)
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from detector_data import DEFAULT_DATA, Labelled, read_xstest
from eval_split import half

from charter.checks._refusal_model import MODEL_FILE, WINDOW, features

MIN_COUNT = 10
L2 = 10.0
FOLDS = 5
TARGET_ACCURACY = 0.96
BANDS = tuple(step / 100 for step in range(0, 50, 5))
TARGETS: dict[str, Callable[[Labelled], bool]] = {
    "refuses": lambda item: item.label != "full_compliance",
    "refuses_outright": lambda item: item.label == "full_refusal",
}
Matrix = npt.NDArray[np.float64]


def fit(x: Matrix, y: Matrix) -> tuple[float, Matrix]:
    """Bias and weights minimising the log loss plus L2 / 2 times the weights' squared norm."""
    design = np.hstack([np.ones((len(x), 1)), x])
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-np.clip(design @ theta, -50, 50)))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return float(theta[0]), theta[1:]


def predict(bias: float, weights: Matrix, x: Matrix) -> Matrix:
    result: Matrix = 1 / (1 + np.exp(-np.clip(bias + x @ weights, -50, 50)))
    return result


def fold_of(prompt_id: str) -> int:
    return int(hashlib.sha1(f"fold:{prompt_id}".encode()).hexdigest(), 16) % FOLDS


def choose_band(probabilities: Matrix, y: Matrix) -> tuple[float, float, float]:
    """The narrowest band meeting TARGET_ACCURACY: (band, coverage, accuracy) on `y`."""
    for band in BANDS:
        decided = np.abs(probabilities - 0.5) >= band
        if not decided.any():
            break
        accuracy = float(((probabilities[decided] > 0.5) == (y[decided] > 0.5)).mean())
        if accuracy >= TARGET_ACCURACY:
            return band, float(decided.mean()), accuracy
    return BANDS[-1], 0.0, 0.0


def word_features(items: Sequence[Labelled]) -> tuple[list[str], Matrix]:
    """The vocabulary (features in at least MIN_COUNT answers) and the 0/1 matrix over it."""
    found = [features(item.reply) for item in items]
    counts = Counter(name for names in found for name in names)
    vocabulary = sorted(name for name, count in counts.items() if count >= MIN_COUNT)
    column = {name: index for index, name in enumerate(vocabulary)}
    x = np.zeros((len(items), len(vocabulary)))
    for row, names in enumerate(found):
        x[row, [column[name] for name in names if name in column]] = 1.0
    return vocabulary, x


def cross_validate(
    items: Sequence[Labelled], x: Matrix, y: Matrix, name: str
) -> tuple[float, float, float]:
    """Fit on four folds, predict the fifth; print the figures and return `choose_band`'s."""
    folds = np.array([fold_of(item.prompt_id) for item in items])
    held_out = np.zeros(len(items))
    for fold in range(FOLDS):
        bias, weights = fit(x[folds != fold], y[folds != fold])
        held_out[folds == fold] = predict(bias, weights, x[folds == fold])
    band, coverage, accuracy = choose_band(held_out, y)
    print(
        f"{name}: {len(items)} answers, {x.shape[1]} features; cross-validated: "
        f"{float(((held_out > 0.5) == (y > 0.5)).mean()):.3f} accuracy deciding all, "
        f"band {band:.2f} decides {coverage:.1%} at {accuracy:.3f}"
    )
    return band, coverage, accuracy


def train(items: Sequence[Labelled], target: str) -> dict[str, Any]:
    vocabulary, x = word_features(items)
    y = np.array([float(TARGETS[target](item)) for item in items])
    band, coverage, accuracy = cross_validate(items, x, y, target)
    bias, weights = fit(x, y)
    kept = {name: round(float(w), 4) for name, w in zip(vocabulary, weights, strict=True)}
    return {
        "bias": round(bias, 4),
        "band": band,
        "cross_validated": {"coverage": round(coverage, 4), "accuracy": round(accuracy, 4)},
        "weights": {name: w for name, w in kept.items() if w != 0.0},
    }


def compare_embeddings(items: Sequence[Labelled]) -> None:
    """Cross-validated figures of MiniLM features, alone and beside the words, for each target."""
    from charter.conflict import embed

    vectors = np.asarray(embed([item.reply[:WINDOW] for item in items]), dtype=np.float64)
    _, words = word_features(items)
    for target, wanted in TARGETS.items():
        y = np.array([float(wanted(item)) for item in items])
        cross_validate(items, words, y, f"{target}, words")
        cross_validate(items, vectors, y, f"{target}, MiniLM")
        cross_validate(items, np.hstack([vectors, words]), y, f"{target}, MiniLM + words")


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if argument != "--embeddings"]
    data = Path(arguments[0]) if arguments else DEFAULT_DATA
    dev = [item for item in read_xstest(data) if half(item.prompt_id) == "dev"]
    if "--embeddings" in sys.argv[1:]:
        compare_embeddings(dev)
        return
    models = {target: train(dev, target) for target in TARGETS}
    document = {
        "trained_on": "XSTest v2 answers, development half (benchmarks/data/xstest_split.tsv)",
        "trained_by": "benchmarks/train_refusal.py",
        "window": WINDOW,
        "min_count": MIN_COUNT,
        "l2": L2,
        "models": models,
    }
    MODEL_FILE.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
