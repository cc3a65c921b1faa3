"""One error hierarchy for the whole domain.

Rules and services raise these; `api/` maps them once to RFC 9457 problem responses and `web/`
maps them once to messages on the page. Nothing here knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one input field; `field` is a dotted path such as `items.9` or `children.0.cpr`."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code: str = "domain-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` names each offending field."""

    code = "validation-failed"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors: list[FieldError] = list(errors or [])

    @classmethod
    def for_field(cls, field_name: str, message: str) -> ValidationFailed:
        """A validation failure about a single field, with the message as the detail too."""
        return cls(message, [FieldError(field_name, message)])


class NotFound(DomainError):
    code = "not-found"


class Conflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"


class NotEligible(DomainError):
    code = "not-eligible"


class PreconditionFailed(DomainError):
    code = "precondition-failed"


class PreconditionRequired(DomainError):
    code = "precondition-required"


class NotAuthenticated(DomainError):
    """No valid credentials: a missing, expired or forged token, or a wrong password."""

    code = "not-authenticated"


class TooManyAttempts(DomainError):
    """Repeated failures: the caller must wait `retry_after` seconds."""

    code = "too-many-attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
