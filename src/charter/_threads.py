"""Thread settings for the native libraries Charter loads (torch, llama.cpp).

OpenMP's default wait policy spins idle worker threads for a while after each parallel region.
On a machine whose cores are busy with other work (a CI runner, a test suite, other runs), the
spinning threads compete with the threads doing the work: embedding 600 sentences with MiniLM on
two loaded cores took 35-44 s and 10 s of CPU; with the passive policy, 6-14 s and 4 s
(`benchmarks/bench_threads.py`). The policy is read once, when the OpenMP runtime starts, so it
is set before the first import of a library that uses it; a value the user set is kept.
"""

from __future__ import annotations

import os

WAIT_POLICY = "OMP_WAIT_POLICY"


def calm_openmp() -> None:
    """Make idle OpenMP threads sleep instead of spin, unless the user chose otherwise."""
    os.environ.setdefault(WAIT_POLICY, "PASSIVE")
