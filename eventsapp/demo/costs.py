"""The demo's cost sharing: the programmes' cost rules and a budgeted course (the costs work)."""


def load(data: dict, programme, organisations: dict) -> None:
    """What a programme's data file says of costs, loaded after its events."""
