"""Real S3 for tests: moto's server on loopback, and Django's default storage pointed at it.

In a test module::

    from tests import s3

    s3_server = s3.s3_server
    s3_storage = s3.s3_storage

    def test_something(s3_storage): ...

``s3_server`` (module scope) starts the server on a free port of 127.0.0.1, creates the
bucket and stops the server when the module's tests are done. ``s3_storage`` (per test)
makes ``STORAGES["default"]`` an ``S3Storage`` for that server and yields
``default_storage``; the bucket is emptied afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
import pytest
from botocore.config import Config
from storages.backends.s3 import S3Storage

BUCKET = "encore-test-media"
REGION = "us-east-1"
# Variables that would send boto3 (or urllib/requests in tests) anywhere but the server.
_UNSET = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str

    @cached_property
    def client(self) -> Any:
        """A boto3 client of its own, for doing things behind the storage's back."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(s3={"addressing_style": "path"}),
        )

    def empty(self) -> None:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                self.client.delete_object(Bucket=self.bucket, Key=item["Key"])


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        for name in _UNSET:
            patch.delenv(name, raising=False)
        # Dummy credentials, no instance metadata and no ~/.aws: boto3 has nothing to look up.
        missing = str(tmp_path_factory.mktemp("aws") / "missing")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_CONFIG_FILE", missing)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        patch.setenv("no_proxy", "127.0.0.1,localhost")

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        s3 = S3Server(endpoint_url=f"http://{host}:{port}", bucket=BUCKET)
        try:
            s3.client.create_bucket(Bucket=BUCKET)
            yield s3
        finally:
            s3.client.close()
            server.stop()


def use_s3_storage(settings: Any, server: S3Server, **options: Any) -> Any:
    """Make the default storage S3 on ``server``; ``options`` override the storage's (location=...)."""
    from django.core.files.storage import default_storage

    _close_connections(default_storage)
    settings.AWS_STORAGE_BUCKET_NAME = server.bucket
    # A new STORAGES dict, not an edit of the old one: assigning it is what makes Django
    # drop the storage it has already built.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": server.bucket,
                "endpoint_url": server.endpoint_url,
                "region_name": REGION,
                "access_key": "testing",
                "secret_key": "testing",
                "addressing_style": "path",
                "querystring_auth": True,
                "querystring_expire": 300,
                "default_acl": None,
                "file_overwrite": False,
                **options,
            },
        },
    }
    return default_storage


@pytest.fixture
def s3_storage(settings: Any, s3_server: S3Server) -> Iterator[Any]:
    storage = use_s3_storage(settings, s3_server)
    yield storage
    _close_connections(storage)
    s3_server.empty()


def _close_connections(storage: Any) -> None:
    # Each S3Storage keeps its own keep-alive connections; close them rather than leave
    # the sockets to the garbage collector.
    if isinstance(getattr(storage, "_wrapped", storage), S3Storage):
        connection = getattr(storage._connections, "connection", None)
        if connection is not None:
            connection.meta.client.close()
