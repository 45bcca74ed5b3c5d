"""Errors shared by the services of every capability."""


class InvalidInput(ValueError):
    """Bad input for a named field; the message is shown beside it (or as a 400 JSON error)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message
