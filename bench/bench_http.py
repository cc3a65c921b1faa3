"""HTTP benchmark with wrk: the request path of the real app, served by uvicorn on its own worker processes.

Run: `python -m bench.bench_http --database-url URL [--workers 2] [--duration 10] [--connections 8,64]`.

The database must be migrated and hold the demo sign-ins (hv1 … aud1, password `demo`) and the client
`demo-client` / `demo-secret`: `bench.generate` or the demo data. The harness starts
`uvicorn api.app:create_app --factory` with N workers (demo data off, logs at warning) on its own port,
waits for /readyz, signs in through the API, picks ids from the database, writes one wrk Lua script per
endpoint and runs `wrk --latency` at each connection count. Every figure is a ratio of the requests/s of
a bare JSON endpoint of the same API app (`GET /api/v1/ping`: every middleware, routing and the access
rule, no database), measured in the same run before and after the others (the drift between the two says
how quiet the machine was). A figure with any non-2xx answer or socket error is marked INVALID.

Writes are real state changes: each `complete` request records a different planned visit as done (ids
rotate without repeating), so every run consumes planned visits of hv1's team that are not hv1's own and
lie furthest in the future (the worklist and the calendar feed stay the same from run to run).

Results go to bench/results/http-<database>-<size>-<date>.{md,json}, with the machine, the database size
and the peak RSS (VmHWM) of each server worker after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from domain.clock import copenhagen_today, utc_now
from domain.services.sign_in import actor_of_staff
from domain.store.database import Database
from domain.store.repositories.access import visible_children
from domain.store.tables import Child, Staff, Visit, VisitStaff

T = TypeVar("T")
RESULTS_DIR = Path(__file__).parent / "results"
PREPARE = "from api.serve import prepare; from domain.settings import get_settings; prepare(get_settings()).dispose()"
API = "/api/v1"
CEILING = "ping"

# Targets of issue 8 (size M, 2 cores), as a share of the ceiling's requests/s and p99 at 8 connections.
TARGETS: dict[str, tuple[float, float | None]] = {
    "worklist": (0.30, 50.0),
    "child": (0.30, 50.0),
    "child_schedule": (0.30, 50.0),
    "team_month": (0.10, None),
    "calendar": (0.10, 200.0),
}


@dataclass
class Endpoint:
    name: str
    description: str
    method: str
    paths: list[str]  # one path, or many to rotate through (each request takes the next)
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    bodies: list[str] | None = None  # one per path, instead of `body`
    unique_paths: bool = False  # writes: a path must never be used twice
    idempotency_keys: bool = False


@dataclass
class Figure:
    endpoint: str
    connections: int
    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    ratio: float | None = None
    valid: bool = True
    statuses: str = ""  # for writes: the non-2xx statuses seen, e.g. "409:3"


# --- the server -------------------------------------------------------------------------------------------


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"error: no free port from {preferred}")


class Server:
    """uvicorn with N workers on its own port, as `make run` would start it (minus demo data)."""

    def __init__(self, database_url: str, *, port: int, workers: int, log_path: Path, source: Path) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEMO_DATA": "false",
            "LOG_LEVEL": "WARNING",
            "ENVIRONMENT": "demo",
            # One key for every worker (a generated key file would be raced by the workers).
            "SIGNING_KEY": secrets.token_urlsafe(48),
            "DATA_DIR": str(log_path.parent),
        }
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--no-server-header",
        ]
        env["PYTHONPATH"] = str(source)
        self.log = log_path.open("wb")
        # What `make run` does before serving (migrations, catalog, planner statistics), then uvicorn.
        subprocess.run(
            [sys.executable, "-c", PREPARE], env=env, cwd=source, stdout=self.log, stderr=subprocess.STDOUT, check=True
        )
        self.process = subprocess.Popen(command, env=env, cwd=source, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"error: the server stopped (exit {self.process.returncode}); see {self.log.name}")
            try:
                answer = httpx.get(self.base_url + "/readyz", timeout=5)
                if answer.status_code == 200:
                    return
                last = answer.text
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.3)
        raise SystemExit(f"error: the server was not ready in {timeout:.0f} s: {last}")

    def settle(self, limit_s: float = 180.0) -> float:
        """Wait until requests a slow figure left running are done (wrk stops sending, the server does
        not stop answering): three pings in a row answered within 20 ms. Answers the seconds waited."""
        started = time.monotonic()
        fast = 0
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            while fast < 3 and time.monotonic() - started < limit_s:
                sent = time.perf_counter()
                client.get(f"{API}/ping")
                fast = fast + 1 if time.perf_counter() - sent < 0.02 else 0
                time.sleep(0.05 if fast else 0.5)
        return time.monotonic() - started

    def worker_pids(self) -> list[int]:
        """The processes serving requests: uvicorn's workers, or uvicorn itself with one worker."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            found = [int(pid) for pid in children.read_text().split()]
        except OSError:
            found = []
        return found or [self.process.pid]

    def peak_rss_mb(self) -> dict[str, dict[str, float]]:
        """VmHWM (peak RSS) of the supervisor and of each worker, in MiB, with the RSS at the end split into
        private memory (RssAnon) and file pages (RssFile: on SQLite mostly the memory-mapped database,
        shared with every other process through the OS page cache)."""
        found: dict[str, dict[str, float]] = {}
        workers = self.worker_pids()
        supervisor = [] if workers == [self.process.pid] else [("supervisor", self.process.pid)]
        for label, pid in [*supervisor, *((f"worker {p}", p) for p in workers)]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = {
                name: round(int(value.split()[0]) / 1024, 1)
                for name, _, value in (line.partition(":") for line in status.splitlines())
                if name in ("VmHWM", "RssAnon", "RssFile")
            }
            found[label] = {
                "peak": fields.get("VmHWM", 0.0),
                "anon": fields.get("RssAnon", 0.0),
                "file": fields.get("RssFile", 0.0),
            }
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- what to ask for ---------------------------------------------------------------------------------------


@dataclass
class Picks:
    hv1_id: str
    team_id: str
    children: list[str]
    write_visits: list[tuple[str, str]]  # (visit id, id of a staff member assigned to it)
    birth_year: int
    counts: dict[str, int]


def pick_ids(database_url: str, *, write_pool: int, child_pool: int) -> Picks:
    """Ids from the database: hv1, her team, children on her caseload and planned visits to record."""
    database = Database(database_url)
    today = copenhagen_today()
    try:
        with database.session(write=False) as session:
            staff = session.execute(select(Staff).where(Staff.username == "hv1")).scalar_one_or_none()
            if staff is None or staff.team_id is None:
                raise SystemExit("error: the database has no health visitor hv1 with a team (load demo or bench data)")
            actor = actor_of_staff(staff)
            visible = visible_children(actor, today=today)
            # Children born in the last three years: the ones a health visitor opens.
            children = list(
                session.execute(
                    select(Child.id)
                    .where(visible, Child.birth_date >= today - timedelta(days=3 * 365))
                    .order_by(Child.id)
                    .limit(child_pool)
                ).scalars()
            )
            # Visits to record: planned, not before two weeks from now (so no worklist changes) and not
            # hv1's (so her calendar stays the same), each with a staff member assigned to it to name as
            # the performer. Recorded by the integration client, which may record any visit: one health
            # visitor's team has too few future visits for repeated runs at hundreds of writes a second.
            hv1_visits = select(VisitStaff.visit_id).where(VisitStaff.staff_id == staff.id)
            performer = select(VisitStaff.staff_id).where(VisitStaff.visit_id == Visit.id).limit(1).scalar_subquery()
            write_visits = [
                (str(visit_id), str(performer))
                for visit_id, performer in session.execute(
                    select(Visit.id, performer)
                    .where(
                        Visit.status == "planned",
                        Visit.target_date > today + timedelta(days=14),
                        Visit.id.not_in(hv1_visits),  # type: ignore[attr-defined]
                        performer.is_not(None),
                    )
                    .order_by(Visit.id)
                    .limit(write_pool)
                )
            ]
            birth_year = session.execute(
                select(func.extract("year", Child.birth_date).label("year"))
                .where(Child.birth_date < date(today.year, 1, 1))
                .group_by("year")
                .order_by(func.count().desc())
                .limit(1)
            ).scalar()
            counts = {
                "children": session.execute(select(func.count()).select_from(Child)).scalar_one(),
                "visits": session.execute(select(func.count()).select_from(Visit)).scalar_one(),
                "children_visible_to_hv1": session.execute(
                    select(func.count()).select_from(Child).where(visible)
                ).scalar_one(),
            }
            return Picks(
                hv1_id=str(staff.id),
                team_id=str(staff.team_id),
                children=[str(c) for c in children],
                write_visits=write_visits,
                birth_year=int(birth_year or today.year - 1),
                counts=counts,
            )
    finally:
        database.dispose()


def sign_in(base_url: str, **form: str) -> str:
    answer = httpx.post(f"{base_url}{API}/auth/token", data=form, timeout=30)
    if answer.status_code != 200:
        raise SystemExit(f"error: sign-in failed ({answer.status_code}): {answer.text[:200]}")
    return str(answer.json()["access_token"])


def staff_token(base_url: str, username: str) -> str:
    return sign_in(base_url, grant_type="password", username=username, password="demo")  # noqa: S106


def client_token(base_url: str) -> str:
    return sign_in(base_url, grant_type="client_credentials", client_id="demo-client", client_secret="demo-secret")  # noqa: S106


def endpoint_for(name: str, base_url: str, picks: Picks, write_visits: list[tuple[str, str]]) -> Endpoint:
    """One endpoint to measure, with a fresh token (tokens last at most 30 minutes)."""
    if name == CEILING:
        return Endpoint(name, "bare JSON endpoint with all middleware (ceiling)", "GET", [f"{API}/ping"])
    bearer = {"Authorization": f"Bearer {staff_token(base_url, 'hv1')}"}
    today = copenhagen_today()
    if name == "worklist":
        # What "Min dag" asks for: hv1's planned visits whose window has closed.
        path = f"{API}/visits?staff_id={picks.hv1_id}&status=planned&overdue=true&limit=200"
        return Endpoint(name, "hv1's overdue worklist (Min dag), 200 per page", "GET", [path], bearer)
    if name == "child":
        paths = [f"{API}/children/{c}" for c in picks.children]
        return Endpoint(name, f"a child (rotating over {len(paths)} on hv1's caseload)", "GET", paths, bearer)
    if name == "child_schedule":
        paths = [f"{API}/children/{c}/schedule?limit=500" for c in picks.children]
        return Endpoint(name, "a child's schedule (the child page's timeline), rotating", "GET", paths, bearer)
    if name == "team_month":
        first = today.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        path = f"{API}/visits?team_id={picks.team_id}&from={first}&to={last}&limit=200"
        return Endpoint(name, "hv1's team's visits this month, 200 per page", "GET", [path], bearer)
    if name == "calendar":
        feed = httpx.post(f"{base_url}{API}/staff/{picks.hv1_id}/calendar-feed", headers=bearer, timeout=30)
        token = feed.raise_for_status().json()["feed_token"]
        path = f"{API}/staff/{picks.hv1_id}/calendar.ics?feed_token={token}"
        return Endpoint(name, "hv1's calendar feed (.ics) with a feed token", "GET", [path])
    if name in ("complete", "complete_idem"):
        described = "record a planned visit done, by its assigned staff (integration client, a new visit each time)"
        if name == "complete_idem":
            described += ", with an Idempotency-Key"
        client = {"Authorization": f"Bearer {client_token(base_url)}"}
        return Endpoint(
            name,
            described,
            "POST",
            [f"{API}/visits/{visit_id}/complete" for visit_id, _ in write_visits],
            {**client, "Content-Type": "application/json"},
            bodies=[json.dumps({"performed_by": [performer]}) for _, performer in write_visits],
            unique_paths=True,
            idempotency_keys=name == "complete_idem",
        )
    if name == "coverage":
        token = client_token(base_url)
        # The report page's first figure: the universal programme's postnatal visit, every area.
        path = f"{API}/reports/coverage?package_code=universal&visit_kind=postnatal&birth_year={picks.birth_year}"
        described = f"coverage of the postnatal visit, all areas, births of {picks.birth_year} (integration client)"
        return Endpoint(name, described, "GET", [path], {"Authorization": f"Bearer {token}"})
    raise SystemExit(f"error: unknown endpoint {name}")


def _split(items: list[T], parts: int) -> list[list[T]]:
    if parts <= 0:
        return []
    size = len(items) // parts
    return [items[i * size : (i + 1) * size] for i in range(parts)]


# --- wrk ----------------------------------------------------------------------------------------------------

LUA_TEMPLATE = """
-- Written by bench/bench_http.py.
local paths = {%(paths)s}
local method = "%(method)s"
local body = %(body)s
local bodies = %(bodies)s
local base_headers = {%(headers)s}
local idempotency = %(idempotency)s
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_no", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  thread_count = tonumber(args[1])
  counter = 0
end

function request()
  -- Thread k takes paths k, k + n, k + 2n, ...: no two requests share a path while the list lasts.
  local index = ((counter * thread_count + thread_no - 1) %% #paths) + 1
  counter = counter + 1
  local headers = {}
  for k, v in pairs(base_headers) do headers[k] = v end
  if idempotency then headers["Idempotency-Key"] = "bench-" .. thread_no .. "-" .. counter .. "-" .. run_id end
  return wrk.format(method, paths[index], headers, bodies and bodies[index] or body)
end

%(response)s

function done(summary, latency, requests)
  local tally = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    if seen then for code, n in pairs(seen) do tally[#tally + 1] = code .. ":" .. n end end
  end
  if #tally > 0 then io.write("WRKSTATUS " .. table.concat(tally, " ") .. "\\n") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d, "p50": %%d, "p90": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


RESPONSE_TALLY = """
statuses = {}
function response(status, headers, body)
  if status >= 300 then statuses[status] = (statuses[status] or 0) + 1 end
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for these characters


def write_lua(endpoint: Endpoint, directory: Path, run_id: str) -> Path:
    script = LUA_TEMPLATE % {
        "paths": ",".join(_lua_string(p) for p in endpoint.paths),
        "method": endpoint.method,
        "body": _lua_string(endpoint.body) if endpoint.body is not None else "nil",
        "bodies": "{" + ",".join(_lua_string(b) for b in endpoint.bodies) + "}" if endpoint.bodies else "nil",
        "headers": ",".join(f"[{_lua_string(k)}]={_lua_string(v)}" for k, v in endpoint.headers.items()),
        "idempotency": "true" if endpoint.idempotency_keys else "false",
        # Writes tally the status of every answer that is not 2xx (too costly for fast reads).
        "response": RESPONSE_TALLY if endpoint.unique_paths else "",
    }
    script = f'run_id = "{run_id}"\n' + script
    path = directory / f"{endpoint.name}.lua"
    path.write_text(script)
    return path


def run_wrk(
    base_url: str, endpoint: Endpoint, script: Path, *, connections: int, duration: int, timeout: int
) -> Figure:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        "-s",
        str(script),
        base_url,
        "--",
        str(threads),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=duration + timeout + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"error: wrk failed for {endpoint.name}: {done.stderr.strip() or done.stdout[-500:]}")
    data = json.loads(line[len("WRKJSON ") :])
    seconds = data["duration_us"] / 1e6
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    figure = Figure(
        endpoint=endpoint.name,
        connections=connections,
        requests=data["requests"],
        duration_s=round(seconds, 2),
        requests_per_s=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(data["p50"] / 1000, 2),
        p90_ms=round(data["p90"] / 1000, 2),
        p99_ms=round(data["p99"] / 1000, 2),
        max_ms=round(data["max"] / 1000, 2),
        non_2xx=data["status"],
        socket_errors=socket_errors,
    )
    # A rotated write list that wrapped around repeats visits already recorded: those answers are 409s.
    wrapped = endpoint.unique_paths and figure.requests > len(endpoint.paths)
    tally = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKSTATUS ")), None)
    if tally:
        figure.statuses = tally[len("WRKSTATUS ") :]
    if wrapped:
        figure.statuses += f" (only {len(endpoint.paths)} planned visits to record: some were recorded twice)"
    # No answer within the run is a figure (0 requests/s), not an invalid one; the note says why.
    if figure.requests == 0:
        figure.statuses = f"no answer within the {duration} s run"
    figure.valid = figure.non_2xx == 0 and figure.socket_errors == 0 and not wrapped
    return figure


def check_answer(base_url: str, endpoint: Endpoint) -> None:
    """One request by hand before the load: a non-2xx here means the set-up is wrong, not the server slow."""
    if endpoint.method != "GET":
        return  # a write would consume a visit; its status is checked by wrk's counts
    answer = httpx.get(base_url + endpoint.paths[0], headers=endpoint.headers, timeout=120)
    if answer.status_code != 200:
        raise SystemExit(f"error: {endpoint.name} answered {answer.status_code}: {answer.text[:300]}")


# --- reporting ---------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": (subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout or "").split("\n")[0],
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def absolute_sqlite_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return url
    return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)


def database_label(url: str) -> str:
    return make_url(url).get_backend_name()


def target_note(figure: Figure) -> str:
    target = TARGETS.get(figure.endpoint)
    if target is None or figure.connections != 8 or figure.ratio is None:
        return ""
    share, p99 = target
    met = figure.ratio >= share and (p99 is None or figure.p99_ms <= p99)
    wanted = f"≥ {share:.0%}" + (f", p99 ≤ {p99:.0f} ms" if p99 is not None else "")
    return f"{'met' if met else 'NOT met'} ({wanted})"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# HTTP benchmark — {report['database']} — size {report['size']} — {report['date']}",
        "",
        f"Machine: {report['machine']['nproc']} cores, {report['machine']['cpu']}, Python "
        f"{report['machine']['python']}, {report['machine']['wrk']}; load average at start "
        f"{' '.join(report['machine']['loadavg_start'])}.",
        f"Database: {report['database']} with {report['counts']['children']:,} children and "
        f"{report['counts']['visits']:,} visits ({report['counts']['children_visible_to_hv1']:,} children visible "
        f"to hv1). Server: uvicorn, {report['workers']} workers, code {report['source']}"
        f"{' (' + report['label'] + ')' if report['label'] else ''}; wrk {report['duration']} s per figure.",
        f"Ceiling ({CEILING}) drift between its first and last measurement: {report['ceiling_drift']}.",
        "",
        "| endpoint | conns | req/s | ratio | p50 ms | p99 ms | non-2xx | errors | target (8 conns) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in report["figures"]:
        ratio = f"{f['ratio']:.1%}" if f["ratio"] is not None else "—"
        if not f["valid"]:
            ratio += " INVALID"
        if f.get("statuses"):
            ratio += f" ({f['statuses']})"
        lines.append(
            f"| {f['endpoint']} | {f['connections']} | {f['requests_per_s']:,.0f} | {ratio} | {f['p50_ms']:.1f} | "
            f"{f['p99_ms']:.1f} | {f['non_2xx']} | {f['socket_errors']} | {f.get('target', '')} |"
        )
    lines += ["", "Memory of the server processes after the run, MiB (peak RSS = VmHWM; at the end: private, file):"]
    lines += [
        f"- {who}: peak {mb['peak']:.1f} (private {mb['anon']:.1f}, file {mb['file']:.1f})"
        for who, mb in report["peak_rss_mb"].items()
    ]
    lines += ["", "Endpoints:"]
    lines += [f"- `{e['name']}`: {e['description']} — `{e['method']} {e['example']}`" for e in report["endpoints"]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_http",
        description="wrk against the real app on uvicorn workers; every figure a ratio of a bare endpoint's.",
    )
    parser.add_argument("--database-url", required=True, help="a migrated database with the demo sign-ins")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per figure (default 10)")
    parser.add_argument("--connections", default="8,64", help="comma-separated connection counts (default 8,64)")
    parser.add_argument("--port", type=int, default=8100, help="first port to try (default 8100)")
    parser.add_argument("--size", default="", help="label for the report (S, M, L); default: from the counts")
    parser.add_argument(
        "--endpoints",
        default="worklist,child,child_schedule,team_month,calendar,complete,coverage",
        help="comma-separated subset (the ceiling is always measured); also: complete_idem",
    )
    parser.add_argument("--write-pool", type=int, default=40_000, help="planned visits to record, at most")
    parser.add_argument("--timeout", type=int, default=30, help="wrk's per-request timeout in seconds")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR, help="where the .md and .json go")
    parser.add_argument("--no-write", action="store_true", help="print only; write no result files")
    parser.add_argument(
        "--source",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="serve the app from this source tree (e.g. an older commit, for before/after); default: this one",
    )
    parser.add_argument("--label", default="", help="added to the result file names, e.g. before")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk is not installed (Debian: apt-get install wrk)")
    args.database_url = absolute_sqlite_url(args.database_url)  # the server may run in another directory
    connection_counts = [int(c) for c in args.connections.split(",") if c.strip()]
    names = [n.strip() for n in args.endpoints.split(",") if n.strip() and n.strip() != CEILING]
    started = utc_now()
    picks = pick_ids(args.database_url, write_pool=args.write_pool, child_pool=2000)
    if not picks.children:
        raise SystemExit("error: hv1 sees no children born in the last three years")
    size = args.size or _size_of(picks.counts["children"])
    with tempfile.TemporaryDirectory(prefix="bench_http_") as scratch:
        scratch_dir = Path(scratch)
        server = Server(
            args.database_url,
            port=free_port(args.port),
            workers=args.workers,
            log_path=scratch_dir / "server.log",
            source=args.source.resolve(),
        )
        try:
            server.wait_ready()
            figures: list[Figure] = []
            ceiling_rates: dict[int, list[float]] = {c: [] for c in connection_counts}
            writes = [n for n in names if n.startswith("complete")]
            # Every write endpoint and connection count gets its own slice: no visit is recorded twice.
            write_slices = iter(_split(picks.write_visits, len(writes) * len(connection_counts)))
            chosen: list[Endpoint] = []
            for position, name in enumerate([CEILING, *names, CEILING]):
                last_ceiling = position > 0 and name == CEILING
                for connections in connection_counts:
                    pool = next(write_slices) if name in writes else []
                    endpoint = endpoint_for(name, server.base_url, picks, pool)
                    if not endpoint.paths:
                        print(f"skipping {name}: no planned visits left to record", file=sys.stderr)
                        continue
                    if connections == connection_counts[0]:
                        check_answer(server.base_url, endpoint)
                        if not last_ceiling:
                            chosen.append(endpoint)
                    script = write_lua(endpoint, scratch_dir, secrets.token_hex(4))
                    figure = run_wrk(
                        server.base_url,
                        endpoint,
                        script,
                        connections=connections,
                        duration=args.duration,
                        timeout=args.timeout,
                    )
                    waited = server.settle()
                    if waited > 2:
                        print(f"  (waited {waited:.0f} s for the server to finish its last requests)", file=sys.stderr)
                    if name == CEILING:
                        ceiling_rates[connections].append(figure.requests_per_s)
                    if not last_ceiling:  # the second ceiling run only feeds the average and the drift
                        figures.append(figure)
                    print(_line(figure), file=sys.stderr, flush=True)
            peak = server.peak_rss_mb()
        finally:
            server.stop()
        log_tail = (scratch_dir / "server.log").read_text(errors="replace")[-2000:]
    ceiling = {c: sum(rates) / len(rates) for c, rates in ceiling_rates.items() if rates}
    for figure in figures:
        figure.ratio = (
            round(figure.requests_per_s / ceiling[figure.connections], 4) if ceiling.get(figure.connections) else None
        )
    drift = ", ".join(
        f"{c} conns {rates[0]:,.0f} → {rates[-1]:,.0f} req/s" for c, rates in ceiling_rates.items() if len(rates) > 1
    )
    report: dict[str, Any] = {
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "database": database_label(args.database_url),
        "size": size,
        "counts": picks.counts,
        "workers": args.workers,
        "label": args.label,
        "source": _describe_source(args.source),
        "duration": args.duration,
        "machine": machine(),
        "ceiling_requests_per_s": ceiling,
        "ceiling_drift": drift or "n/a",
        "figures": [{**asdict(f), "target": target_note(f)} for f in figures],
        "peak_rss_mb": peak,
        "endpoints": [
            {"name": e.name, "description": e.description, "method": e.method, "example": _redacted(e.paths[0])}
            for e in chosen
        ],
    }
    text = markdown(report)
    print(text)
    if "Traceback" in log_tail or '"level": "ERROR"' in log_tail:
        print("server log tail:\n" + log_tail, file=sys.stderr)
    if not args.no_write:
        args.output.mkdir(parents=True, exist_ok=True)
        label = f"-{args.label}" if args.label else ""
        stem = f"http-{report['database']}-{size}{label}-{started.strftime('%Y%m%d-%H%M')}"
        (args.output / f"{stem}.md").write_text(text)
        (args.output / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.output / stem}.md and .json", file=sys.stderr)
    return 0 if all(f.valid for f in figures) else 1


def _describe_source(source: Path) -> str:
    commit = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return commit or str(source)


def _redacted(path: str) -> str:
    return path.split("feed_token=")[0] + "feed_token=…" if "feed_token=" in path else path


def _size_of(children: int) -> str:
    if children >= 200_000:
        return "L"
    if children >= 20_000:
        return "M"
    if children >= 500:
        return "S"
    return "XS"


def _line(figure: Figure) -> str:
    flag = "" if figure.valid else "  INVALID"
    return (
        f"{figure.endpoint:>15} c={figure.connections:<3} {figure.requests_per_s:9.1f} req/s  "
        f"p50 {figure.p50_ms:7.1f} ms  p99 {figure.p99_ms:7.1f} ms  non-2xx {figure.non_2xx}  "
        f"errors {figure.socket_errors}{flag}{'  statuses ' + figure.statuses if figure.statuses else ''}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
