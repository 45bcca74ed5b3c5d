"""The demo's logistics: each activity's tasks as the seeds write them (the logistics work)."""


def load(data: dict, programme, organisations: dict) -> None:
    """What a programme's data file says of tasks, loaded after its events."""
