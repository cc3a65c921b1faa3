"""The HTTP benchmark harness (bench/bench_http.py) on a size-S municipality: it starts the real app on
uvicorn, signs in, drives wrk at every endpoint kind it measures (a read, a rotating read, a write) and
every answer is a 2xx. Speed is never asserted here: this runs on loaded CI machines."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import bench_http
from bench.generate import SIZES, generate
from domain.clock import copenhagen_today
from domain.store.database import Database


@pytest.fixture(scope="module")
def small_municipality(databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    with databases.fresh() as database:
        # module-scoped, so the function-scoped `today` fixture cannot reach it
        generate(database, SIZES["S"], seed=11, today=copenhagen_today(), progress=False)
        yield database


def os_picked_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_harness_measures_reads_and_writes_with_only_2xx_answers(
    small_municipality: Database, tmp_path: Path
) -> None:
    exit_code = bench_http.main(
        [
            "--database-url",
            small_municipality.url,
            "--workers",
            "1",
            "--duration",
            "1",
            "--connections",
            "2",
            "--endpoints",
            "child,complete",
            "--output",
            str(tmp_path),
            # A port the OS picked, not the default 8100: two suites on one machine (make test-dates runs two
            # days at a time) would otherwise race for 8100 and measure each other's server.
            "--port",
            str(os_picked_port()),
        ]
    )
    (written,) = tmp_path.glob("http-*.json")
    report = json.loads(written.read_text())
    figures = {(f["endpoint"], f["connections"]): f for f in report["figures"]}
    assert set(figures) == {("ping", 2), ("child", 2), ("complete", 2)}
    for figure in figures.values():
        assert figure["requests"] > 0, figure
        assert figure["non_2xx"] == 0, figure
        assert figure["socket_errors"] == 0, figure
        assert figure["valid"], figure
        assert figure["ratio"] is not None and figure["ratio"] > 0
    assert exit_code == 0
    assert all(memory["peak"] > 0 for memory in report["peak_rss_mb"].values())
    assert (tmp_path / written.name.replace(".json", ".md")).read_text().startswith("# HTTP benchmark")
