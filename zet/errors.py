"""Domain errors carry a Dutch message that tells the user what to fix."""
from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does."""


class ConflictError(DomainError):
    """Someone else saved the same perspective since this form was opened."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


class ValidationFailed(DomainError):
    """Several fields are wrong at once; ``errors`` maps field name to Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class NeedsConfirmation(DomainError):
    """Allowed only once the user confirms (a name that looks like an existing gemeente)."""
