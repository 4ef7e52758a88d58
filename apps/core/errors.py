class Conflict(Exception):
    """A request that is valid in form but not allowed in the object's current state.

    Views turn it into HTTP 409 with the field and the reason.
    """

    def __init__(self, message: str, *, code: str = "conflict", field: str = "non_field_errors"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class RateLimited(Exception):
    """Too soon: views turn it into HTTP 429 with ``Retry-After``; nothing was stored."""

    def __init__(self, message: str, *, retry_after: int, code: str = "rate_limited"):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.code = code
