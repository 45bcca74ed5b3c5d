"""Benchmarks, run by ``make bench``: each ``bench/bench_*.py`` has a ``main()`` printing figures.

Every benchmark prints ratios against a baseline measured in the same run (a bare SQL read, a
trivial endpoint), because these machines are noisy.
"""
