"""Choices stored as slugs and shown by their translated labels.

Every enum of the domain is a ``Labelled`` whose members carry their label beside their slug::

    class EventStatus(Labelled):
        PLANNED = "planned", _l("Planned")

``EventStatus.PLANNED == "planned"``, ``EventStatus.PLANNED.label == "Planned"`` (in the current
language), and ``EventStatus.choices()`` gives the ``(slug, label)`` pairs of a select field.
"""

import enum


class Labelled(enum.StrEnum):
    """A choice stored as its slug, shown by its translated label."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls, members=None) -> list[tuple[str, str]]:
        """``(slug, label)`` pairs for a select field; the labels stay lazy, so a form defined at
        import time shows them in the language of each request."""
        return [(m.value, m._label) for m in (cls if members is None else members)]


def sql_in(values) -> str:
    """``'a', 'b'`` for a CHECK constraint listing allowed values."""
    return ", ".join(f"'{v}'" for v in values)
