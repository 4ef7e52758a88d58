"""Every operation in the OpenAPI schema documents the errors it can answer with."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail", "code", "errors"],
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"oneOf": [{"type": "array"}, {"type": "object"}]},
            "description": (
                "Reasons by field name; `non_field_errors` for the request as a whole. A field "
                'holding a list or an object nests its errors by index or name: `{"stops": {"1": '
                '{"lat": ["..."]}}}`.'
            ),
        },
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    "400": "The input is not valid; `errors` names each field and the reason.",
    "401": "Not signed in.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not yours to see.",
    "405": "Method not allowed.",
    "409": "Not allowed in the object's current state.",
    "413": "The request body is over the size limit named in `detail`.",
    "414": "The address (path and query string) is longer than the 8 KB the server reads.",
    "429": "Too many requests; retry after the number of seconds in `Retry-After`.",
    "503": "Payments are unavailable: Stripe is not set up on this site, or not answering.",
}
# Operations that call Stripe while the request waits.
PAYMENT_PATHS = ("/api/v1/tips/", "/api/v1/supporter/")


def refusals(reasons: dict[int, str]) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema(responses=…)`` saying which rules refuse this
    operation; add_error_responses gives them the Error shape."""
    return {
        code: OpenApiResponse(description=f"{DESCRIPTIONS[str(code)]} {why}") for code, why in reasons.items()
    }


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:  # noqa: ANN001
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            # Any operation can meet bad input, a rate limit, a bad or missing token,
            # something missing (an object, your artist profile, a cursor that is stale), or an
            # address too long for the proxy (config/nginx.conf.template) to read.
            codes = ["400", "429", "401", "403", "404", "414"]
            if method.lower() in {"post", "put", "patch", "delete"}:
                codes.append("409")
                if method.lower() != "delete":
                    codes.append("413")
                if path.startswith(PAYMENT_PATHS):
                    codes.append("503")
            responses = operation.setdefault("responses", {})
            for code in codes:
                # An operation may describe its own refusals; every one has the Error shape.
                response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
                response.setdefault("content", {"application/json": {"schema": ERROR_REF}})
    return result
