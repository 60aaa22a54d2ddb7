"""Typed errors: every non-2xx answer of the server, with its status, code and field."""
from typing import Optional


class ApiError(Exception):
    """The server answered with an error (or could not be reached: status 0, code "network_error")."""

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None, retry_after_s: Optional[float] = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        #: From a Retry-After header (429, 503): how long the server asks us to wait.
        self.retry_after_s = retry_after_s

    @property
    def is_transient(self) -> bool:
        """Worth trying again later: unreachable, 5xx, 429, or a concurrent update."""
        return self.status == 0 or self.status == 429 or self.status >= 500 or self.code == "concurrent_update"

    def __repr__(self) -> str:
        field = f", field={self.field!r}" if self.field else ""
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r}{field})"

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.status} {self.code}: {self.message}{where}"


class NetworkError(ApiError):
    """The server could not be reached (status 0)."""


class BadRequestError(ApiError):
    """400: the input is invalid; `field` names the offending field."""


class UnauthorizedError(ApiError):
    """401: no token or a wrong one."""


class ForbiddenError(ApiError):
    """403."""


class NotFoundError(ApiError):
    """404: no such agent, goal or task."""


class ConflictError(ApiError):
    """409: the state does not allow it (e.g. a superseded attempt, a finished task)."""


class PayloadTooLargeError(ApiError):
    """413."""


class RateLimitedError(ApiError):
    """429: slow down for `retry_after_s`."""


class ServerError(ApiError):
    """5xx."""


_BY_STATUS = {400: BadRequestError, 401: UnauthorizedError, 403: ForbiddenError, 404: NotFoundError, 409: ConflictError, 413: PayloadTooLargeError, 429: RateLimitedError}


def error_for(status: int, code: str, message: str, field: Optional[str] = None, retry_after_s: Optional[float] = None) -> ApiError:
    if status == 0:
        cls = NetworkError
    elif status >= 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(status, ApiError)
    return cls(status, code, message, field, retry_after_s)
