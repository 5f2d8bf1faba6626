"""Refusals raised by services: each carries the HTTP status the API answers with, a message in
the active language and, for bad input, the field it is about. Nothing is changed when one is
raised."""


class ActionError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = str(message), field
        super().__init__(self.message)


class NotAllowed(ActionError):
    """The actor's role or agency does not allow it (403)."""

    status = 403


class Conflict(ActionError):
    """The current state does not allow it, or someone changed it meanwhile (409)."""

    status = 409


class Invalid(ActionError):
    """Bad input (422)."""

    status = 422
