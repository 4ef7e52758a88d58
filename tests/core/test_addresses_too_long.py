"""An address too long to read is refused with a 414 every API operation documents.

The proxy reads request lines up to 8 KB and answers a longer one itself, in the API's
error shape; gunicorn reads as much as the proxy passes (its default stopped at 4 KB and
answered an HTML page the schema did not list). The live stack's test sends both.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def schema(api):
    return api.get("/api/schema/?format=json").json()


@pytest.mark.django_db
def test_every_api_operation_documents_the_414_of_an_address_too_long(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if operation["responses"].get("414", {}).get("content", {}).get("application/json", {}).get("schema")
        != {"$ref": "#/components/schemas/Error"}
    ]
    assert schema["paths"] and not missing


def test_gunicorn_reads_request_lines_as_long_as_the_proxy_passes():
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    limit = int(re.search(r"--limit-request-line (\d+)", web).group(1))
    template = (ROOT / "config" / "nginx.conf.template").read_text()
    buffers = re.search(r"large_client_header_buffers \d+ (\d+)k;", template)
    assert limit >= int(buffers.group(1)) * 1024 - 2  # less the line's CRLF
    assert "error_page 414 /_uri_too_long;" in template
