"""Benchmarks, run by ``make bench``: each ``bench/bench_*.py`` has a ``main()`` printing figures.

Every benchmark prints ratios against a baseline measured in the same run (a bare SQL read, a
trivial endpoint), because these machines are noisy.
"""

import statistics
import time


def median_time(action, rounds: int = 5, before=None, after=None, warm_up: bool = False) -> float:
    """The median time of ``action`` over ``rounds`` runs, in seconds; ``before`` and ``after``
    run around each (untimed), and ``warm_up`` runs it once first (plans cached, pages in
    memory)."""
    if warm_up:
        action()
    times = []
    for _ in range(rounds):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        if after:
            after()
    return statistics.median(times)
