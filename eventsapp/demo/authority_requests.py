"""The demo's requests from electoral authorities (the requests work)."""


def load() -> dict[str, int]:
    """What was added, by programme (short name → count)."""
    return {}
