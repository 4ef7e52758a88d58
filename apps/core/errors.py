class Conflict(Exception):
    """A request that is valid in form but not allowed in the object's current state.

    Views turn it into HTTP 409 with the field and the reason.
    """

    def __init__(self, message: str, *, code: str = "conflict", field: str = "non_field_errors"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
