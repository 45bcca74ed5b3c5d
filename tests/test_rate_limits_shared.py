"""Rate limits hold across the workers of a real gunicorn when Redis counts for all of them, and
degrade to per-process limits (logged) rather than errors when Redis cannot be reached."""

import os
import subprocess
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_SERVER = "/usr/bin/redis-server"
LIMIT = 5


def read_until(stream, text: str, times: int = 1) -> str:
    """Lines of a starting server's output, up to the `times`-th one saying `text`."""
    seen, lines = 0, []
    for line in stream:
        lines.append(line)
        seen += text in line
        if seen >= times:
            return "".join(lines)
    raise AssertionError("the server stopped:\n" + "".join(lines))


@pytest.fixture
def redis_url():
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("Redis is needed: `make test` installs it (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    read_until(server.stdout, "Ready to accept connections")
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait()


@pytest.fixture
def serve(tmp_path, settings, db):
    """Start gunicorn on the test database with the given rate-limit storage and workers."""
    (tmp_path / "limited_site.py").write_text(
        textwrap.dedent(
            f"""
            import os
            from eventsapp import create_app

            app = create_app({{
                "SECRET_KEY": "test-secret",
                "SQLALCHEMY_DATABASE_URI": {settings["SQLALCHEMY_DATABASE_URI"]!r},
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_STORAGE_URI": os.environ["LIMITS"],
                "PUBLIC_POST_LIMIT": "{LIMIT} per minute",
            }})

            def site(environ, start_response):
                # Which worker answered, so that the test knows both did.
                def start(status, headers, exc_info=None):
                    return start_response(
                        status, headers + [("X-Process", str(os.getpid()))], exc_info
                    )

                return app(environ, start)
            """
        )
    )
    servers = []

    def start(limits: str, workers: int) -> str:
        port = free_port()
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--pythonpath",
                f"{ROOT},{tmp_path}",
                "--log-level",
                "info",
                "limited_site:site",
            ],
            env={**os.environ, "LIMITS": limits},
            stderr=subprocess.PIPE,
            text=True,
        )
        servers.append(server)
        read_until(server.stderr, "Booting worker", times=workers)
        return f"http://127.0.0.1:{port}", server

    yield start
    for server in servers:
        server.terminate()
        server.wait()


def sign_in_attempt(site: str) -> tuple[int, str]:
    """POST /login with a wrong password (each attempt hashes, so workers are kept busy)."""
    data = urllib.parse.urlencode({"email": "x@example.org", "password": "a wrong guess"}).encode()
    # A server still loading its app refuses connections for a moment: try again then.
    for _attempt in range(200):
        try:
            with urllib.request.urlopen(f"{site}/login", data=data, timeout=30) as response:
                return response.status, response.headers["X-Process"]
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers["X-Process"]
        except ConnectionRefusedError:
            continue
    raise AssertionError("the server never answered")


def test_redis_makes_every_worker_count_against_one_limit(serve, redis_url):
    site, _server = serve(redis_url, workers=2)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: sign_in_attempt(site), range(4 * LIMIT)))
    assert len({process for _code, process in answers}) == 2, "both workers must have answered"
    codes = sorted(code for code, _process in answers)
    assert codes.count(200) == LIMIT
    assert codes.count(429) == 3 * LIMIT


def test_with_redis_unreachable_each_worker_limits_on_its_own_and_says_so(serve):
    site, server = serve(f"redis://127.0.0.1:{free_port()}/0", workers=1)
    codes = [sign_in_attempt(site)[0] for _ in range(LIMIT + 2)]
    assert codes == [200] * LIMIT + [429, 429]
    server.terminate()
    assert "falling back to in-memory storage" in server.stderr.read()
