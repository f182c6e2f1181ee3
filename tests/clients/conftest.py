"""Fixtures for the real-client conformance suite.

Starts the native endpoint (`kinesis-endpoint`) as subprocesses and points boto3 / the AWS CLI at it:

* ``endpoint``          the default endpoint (``--transition-ms 200``), shared by the session; it also
                        serves the simulated S3 buckets on a second port (``--s3-port``, ``endpoint.s3_url``);
* ``small_endpoint``    ``--shard-limit 20`` (account shard quota tests);
* ``nolimits_endpoint`` ``--no-limits`` (throughput limits off);
* ``fresh_endpoint``    a factory for a private endpoint (account-wide state such as account settings).

Every boto3 client made by these fixtures records the operations it calls (a ``before-call.kinesis.*``
hook) into ``CALLED_OPERATIONS``; test_zz_operation_coverage.py checks that all 39 were exercised.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kutil  # noqa: E402  (helpers shared by the test modules)

REPO = Path(__file__).resolve().parents[2]
# Where cargo puts it: CARGO_TARGET_DIR when set (relative to the repo, as cargo reads it), else target/.
BINARY = (REPO / os.environ.get("CARGO_TARGET_DIR", "target")) / "release" / "kinesis-endpoint"
ACCOUNT = kutil.ACCOUNT
REGION = kutil.REGION

# The Glue table the default endpoint defines (test_firehose_files.py converts JSON to Parquet with it).
GLUE_TABLE = "lab.clicks=user:string,page:string,ms:bigint,tags:array<string>"

# Operation names called through the fixture clients (filled by the before-call hook).
CALLED_OPERATIONS = kutil.CALLED_OPERATIONS


# ----------------------------------------------------------------------------------------- environment

def pytest_configure(config):
    # Dummy credentials and region for boto3 and the CLI (the endpoint checks presence, not signatures).
    os.environ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ["AWS_REGION"] = REGION
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    # Keep the CLI and boto3 away from any user config files.
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["AWS_PAGER"] = ""


# ----------------------------------------------------------------------------------------- build

def _newest_source_mtime():
    paths = [REPO / "Cargo.toml", REPO / "Cargo.lock"]
    paths += [p for p in (REPO / "src").rglob("*") if p.is_file()]
    paths += [p for p in (REPO / "models").rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in paths if p.exists())


@pytest.fixture(scope="session")
def endpoint_binary():
    """Build the endpoint once if the binary is missing or older than the sources."""
    stale = not BINARY.exists() or BINARY.stat().st_mtime < _newest_source_mtime()
    if stale:
        cmd = ["cargo", "build", "--release", "--features", "endpoint", "--bin", "kinesis-endpoint"]
        result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        if result.returncode != 0:
            if BINARY.exists():
                # Other engineers edit src/ concurrently: a mid-edit tree may not compile. Use the last good
                # binary rather than failing the whole suite, but say so.
                sys.stderr.write(
                    "\n[conftest] cargo build failed; using the existing (older) kinesis-endpoint binary\n"
                    + result.stderr[-3000:] + "\n"
                )
            else:
                pytest.exit("cargo build of kinesis-endpoint failed:\n" + result.stderr[-5000:], returncode=3)
    return BINARY


# ----------------------------------------------------------------------------------------- processes

def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Endpoint:
    """One running kinesis-endpoint process."""

    def __init__(self, binary, args, log_dir, s3=False):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = list(args)
        # The read-only S3 REST port (None when not asked for).
        self.s3_port = _free_port() if s3 else None
        self.s3_url = f"http://127.0.0.1:{self.s3_port}" if s3 else None
        if s3:
            self.args += ["--s3-port", str(self.s3_port)]
        self.log_path = Path(log_dir) / f"endpoint-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(binary), "--port", str(self.port), *self.args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        self._wait_ready()

    def _wait_ready(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        for port in [self.port] + ([self.s3_port] if self.s3_port else []):
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"kinesis-endpoint exited early ({self.proc.returncode}): {self.log_path.read_text()}"
                    )
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if time.monotonic() >= deadline:
                        self.stop()
                        raise RuntimeError(f"kinesis-endpoint did not answer on port {port} within {timeout}s")
                    time.sleep(0.02)

    def client(self, **config):
        return make_client(self.url, **config)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


def _record_operation(model, **_kwargs):
    CALLED_OPERATIONS.add(model.name)


def make_client(url, parameter_validation=True, read_timeout=20, **extra):
    """A boto3 Kinesis client for the endpoint: retries off (throttling must be visible).

    Note: botocore reads the legacy ``retries={'max_attempts': 1}`` as "1 retry" (2 attempts in total), and
    that retry, after a backoff, hides throttling. ``total_max_attempts: 1`` is one attempt, no retry.
    """
    config = Config(
        retries={"total_max_attempts": 1},
        parameter_validation=parameter_validation,
        read_timeout=read_timeout,
        connect_timeout=5,
        **extra,
    )
    client = boto3.session.Session().client(
        "kinesis",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=config,
    )
    client.meta.events.register("before-call.kinesis.*", _record_operation)
    return client


@pytest.fixture(scope="session")
def _endpoints(endpoint_binary, tmp_path_factory):
    started = []
    log_dir = tmp_path_factory.mktemp("endpoint-logs")

    def start(*args, s3=False):
        ep = Endpoint(endpoint_binary, args, log_dir, s3=s3)
        started.append(ep)
        return ep

    yield start
    for ep in started:
        ep.stop()


@pytest.fixture(scope="session")
def endpoint(_endpoints):
    """The default endpoint: 200 ms transitions, account shard limit 500, limits on; S3 on a second port."""
    # One Glue table for format conversion (the simulated Glue Data Catalog has no API of its own).
    return _endpoints("--transition-ms", "200", "--glue-table", GLUE_TABLE, s3=True)


@pytest.fixture(scope="session")
def small_endpoint(_endpoints):
    """An endpoint with a small account shard quota (20)."""
    return _endpoints("--transition-ms", "200", "--shard-limit", "20")


@pytest.fixture(scope="session")
def nolimits_endpoint(_endpoints):
    """An endpoint with throughput and call-rate limits off."""
    return _endpoints("--transition-ms", "200", "--no-limits")


@pytest.fixture
def fresh_endpoint(endpoint_binary, tmp_path):
    """A factory for a private endpoint (for account-wide state a test must own); stopped after the test."""
    mine = []

    def start(*args):
        ep = Endpoint(endpoint_binary, ("--transition-ms", "200", *args), tmp_path)
        mine.append(ep)
        return ep

    yield start
    for ep in mine:
        ep.stop()


# ----------------------------------------------------------------------------------------- clients

@pytest.fixture(scope="session")
def kinesis(endpoint):
    return endpoint.client()


@pytest.fixture(scope="session")
def raw_kinesis(endpoint):
    """A client that skips boto3's client-side parameter validation, so the server's validation answers."""
    return endpoint.client(parameter_validation=False)


@pytest.fixture(scope="session")
def s3(endpoint):
    """A boto3 S3 client for the default endpoint's simulated buckets: path-style, retries off."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint.s3_url,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(
            retries={"total_max_attempts": 1},
            read_timeout=20,
            connect_timeout=5,
            s3={"addressing_style": "path"},
        ),
    )


@pytest.fixture(scope="session")
def small_kinesis(small_endpoint):
    return small_endpoint.client()


@pytest.fixture(scope="session")
def nolimits_kinesis(nolimits_endpoint):
    return nolimits_endpoint.client()


@pytest.fixture
def make_stream(kinesis):
    """Create a uniquely named stream on the default endpoint and wait until it is ACTIVE."""

    def make(shards=1, prefix="s", client=None, **kwargs):
        return kutil.create_stream(client or kinesis, shards=shards, prefix=prefix, **kwargs)

    return make
