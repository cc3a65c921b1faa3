"""Starting the service: clear one-line errors, the demo start, and /readyz following the database."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy.engine import make_url

from api.app import create_app
from domain.settings import Settings
from domain.store.database import Database
from tests.databases import TemplateDatabases, is_postgres

ROOT = Path(__file__).resolve().parents[2]


def _serve(env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.serve"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_malformed_database_url_stops_the_start_with_one_clear_line(tmp_path: Path) -> None:
    result = _serve({"DATABASE_URL": "not a url at all", "DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: DATABASE_URL is not a valid database URL")


def test_an_unreachable_database_stops_the_start_with_one_clear_line(tmp_path: Path) -> None:
    port = _free_port()
    result = _serve(
        {"DATABASE_URL": f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/none", "DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach the database postgresql+psycopg://nobody:***@127.0.0.1")
    assert "secret" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_service_starts_with_demo_data_and_answers_its_probes(tmp_path: Path, databases: TemplateDatabases) -> None:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "DATA_DIR": str(tmp_path / "data")}
    with databases.empty() as url:
        if is_postgres():
            env["DATABASE_URL"] = url
        else:
            env.pop("DATABASE_URL", None)  # the embedded default under DATA_DIR
        process = subprocess.Popen(
            [sys.executable, "-m", "api.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.3)
            else:
                process.kill()
                raise AssertionError("the service did not start: " + (process.stderr.read() if process.stderr else ""))
            assert httpx.get(f"{base}/readyz").status_code == 200
            validate(httpx.get(f"{base}/api/v1/openapi.json").json())
            signed_in = httpx.post(
                f"{base}/api/v1/auth/token", data={"grant_type": "password", "username": "hv1", "password": "demo"}
            )
            assert signed_in.status_code == 200
            client = httpx.post(
                f"{base}/api/v1/auth/token",
                data={"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"},
            )
            assert client.status_code == 200
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=30)
        assert "hv1" in stderr and "demo-client" in stderr, "the demo sign-ins are printed"
        assert f"http://127.0.0.1:{port}/" in stderr, "the address is printed"
    if not is_postgres():
        assert (tmp_path / "data" / "tidlig-indsats.sqlite3").exists()
        assert (tmp_path / "data" / "signing.key").stat().st_mode & 0o077 == 0, "the key is private to its owner"


class _Proxy:
    """A TCP forwarder standing in for the network path to PostgreSQL, so the test can cut it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self._server: socket.socket | None = None
        self._connections: list[socket.socket] = []

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                downstream, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._connections += [downstream, upstream]
            for a, b in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone leaves it listening.
            with suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        for connection in self._connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self._connections = []


@contextmanager
def _app_for(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(environment="test", data_dir=tmp_path, signing_key="k" * 40, demo_data=False)
    with TestClient(create_app(settings=settings, database=database), raise_server_exceptions=False) as client:
        yield client


def test_readyz_answers_503_while_the_database_is_away_and_200_when_it_is_back(
    tmp_path: Path, database: Database
) -> None:
    if is_postgres():
        url = make_url(database.url)
        proxy = _Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxy.start()
        through_proxy = Database(url.set(port=proxy.port).render_as_string(hide_password=False))
        with _app_for(through_proxy, tmp_path) as client:
            assert client.get("/readyz").status_code == 200
            proxy.stop()
            away = client.get("/readyz")
            assert away.status_code == 503
            assert client.get("/healthz").status_code == 200, "the process itself is still up"
            proxy.start()
            assert client.get("/readyz").status_code == 200
            proxy.stop()
        through_proxy.dispose()
    else:
        path = Path(make_url(database.url).database or "")
        with _app_for(database, tmp_path) as client:
            assert client.get("/readyz").status_code == 200
            database.dispose()
            parked = [(Path(f"{path}{suffix}"), Path(f"{path}{suffix}.away")) for suffix in ("", "-wal", "-shm")]
            for live, away in parked:
                if live.exists():
                    live.rename(away)
            response = client.get("/readyz")
            assert response.status_code == 503
            assert client.get("/healthz").status_code == 200, "the process itself is still up"
            database.dispose()
            for live, away in parked:
                live.unlink(missing_ok=True)
                if away.exists():
                    away.rename(live)
            assert client.get("/readyz").status_code == 200


def test_a_started_server_keeps_its_start_up_objects_out_of_the_collectors_sight(
    settings: Settings, database: Database
) -> None:
    served = settings.model_copy(update={"environment": "demo"})
    gc.unfreeze()
    try:
        with TestClient(create_app(settings=served, database=database)) as client:
            assert client.get("/healthz").status_code == 200
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
