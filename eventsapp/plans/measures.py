"""The measures a plan item's indicator can be linked to, computed from the events linked to the
item (``plan_item_events``) for a period.

Plans sit below the capabilities that know how to compute them, so the registry is filled from
above: ``outcomes/measures.py`` registers each computation with ``@measure(name, label, unit,
unit_label)``.
Adding a measure is one function there; its name must be one of ``MEASURE_NAMES`` (the database's
CHECK).
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

# Every name the database accepts (migration 0036), in the order they are offered.
MEASURE_NAMES = (
    "events_held",
    "participants",
    "women",
    "men",
    "women_share",
    "authorities",
    "countries",
    "trained_trainers",
    "evaluation_mean",
    "completion_rate",
    "learning_gain",
    "follow_up_response_rate",
)
UNITS = ("count", "percent", "mean")


@dataclass(frozen=True)
class Scope:
    """What one indicator is computed over: the item's linked events held in the period, and
    those of them linked as a training of trainers."""

    event_ids: tuple[int, ...]
    trainer_event_ids: tuple[int, ...] = ()


# A computation: {key: scope} -> {key: value or None}, in a fixed number of queries whatever
# the number of keys and events.
Compute = Callable[[dict[Hashable, Scope]], dict[Hashable, float | None]]


@dataclass(frozen=True)
class Measure:
    name: str
    label: object  # a lazy string
    unit: str
    compute: Compute
    unit_label: object = ""  # what its values are, as the report says it: "people", "%", "1–5"
    of_trainings: bool = False  # counts only the events linked as trainings of trainers


_REGISTRY: dict[str, Measure] = {}


def measure(
    name: str, label, unit: str, unit_label, of_trainings: bool = False
) -> Callable[[Compute], Compute]:
    """Register the function it decorates as the computation of measure ``name``."""
    if name not in MEASURE_NAMES or unit not in UNITS:
        raise ValueError(f"{name} ({unit}) is not a measure the database accepts")

    def register(compute: Compute) -> Compute:
        _REGISTRY[name] = Measure(name, label, unit, compute, unit_label, of_trainings)
        return compute

    return register


def measures() -> list[Measure]:
    """The measures that can be chosen, in the order of ``MEASURE_NAMES``."""
    return [_REGISTRY[name] for name in MEASURE_NAMES if name in _REGISTRY]


def get_measure(name: str) -> Measure | None:
    return _REGISTRY.get(name)
