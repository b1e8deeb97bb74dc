"""Garbage collection for a command that holds many objects: `charter test` on a large plan.

CPython runs a young-generation collection every 700 net allocations, and every tenth of those
an older one that walks the survivors. A run of 20,000 samples keeps hundreds of thousands of
long-lived objects (the project, the plan's challenges, their messages and checks) and makes a
few dozen short-lived ones per sample, nearly all freed by reference counting: under the default
thresholds 1,793 collections took 5.8 s of the run's 24.6 s of CPU; with the young threshold at
10,000, 100 collections took 1.1 s (`benchmarks/bench_run.py --samples 20000`, in-process).
Cyclic garbage is still collected, later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000
"""Net allocations between young-generation collections while a large command runs."""


@contextmanager
def fewer_collections(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Collect the young generation every `young` allocations (never more often than now)
    while the body runs; the thresholds are restored after."""
    before = gc.get_threshold()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
