"""``make bench`` runs every ``bench/bench_*.py``: each must import and offer ``main()``."""

import importlib
import pkgutil
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(BENCH)]) if m.name.startswith("bench_"))


def test_there_are_benchmarks():
    assert {"bench_calendar", "bench_registration"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_a_benchmark_imports_and_has_a_main(name):
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.main)
    assert (module.__doc__ or "").strip(), "its first line is printed as its title"
