"""The demo's plans: WEM-International 2016–2018 and the Georgia CEC action plans, imported from
data files made from the seeds (the plans work)."""


def load() -> dict[str, int]:
    """What was added, by programme (short name → count)."""
    return {}
