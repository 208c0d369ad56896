"""Home page with a warm cache against a minimal Django view, both served by gunicorn on loopback.

Usage: `.venv/bin/python bench/bench_home.py` (about 45 s). It builds its own database (a temporary
SQLite file, or BENCH_DATABASE_URL), loads the demo content, starts gunicorn once on a free
127.0.0.1 port (2 sync workers, the production shape), warms the cache, then measures in
alternating rounds the requests per second of `/bench/minimal` (a plain HttpResponse behind the
same middleware) and of `/` (the home page). It uses wrk when installed (apt-get install wrk),
otherwise a Python load generator (processes, bounded in time). The cache is Redis when
REDIS_URL is set, otherwise each worker's local memory. Prints both figures and the ratio; the
goal is a ratio of at least 0.8.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ROUND_SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = 10
CONNECTIONS = 8
WORKERS = 2
TARGET = 0.8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _client(port: int, path: str, seconds: float, queue) -> None:
    done = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        status, _body = get(port, path)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        done += 1
    queue.put(done)


def measure_python(port: int, path: str, seconds: float) -> float:
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client, args=(port, path, seconds, queue)) for _ in range(CONNECTIONS)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    total = sum(queue.get(timeout=seconds + 30) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    return total / (time.perf_counter() - start)


def measure_wrk(port: int, path: str, seconds: float) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{int(seconds)}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{path}: non-2xx answers\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-home-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench_home",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}"),
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    # seed_demo runs in DEBUG only (published demo passwords); the server below runs without it.
    demo_env = {**env, "DJANGO_SETTINGS_MODULE": "cifre.settings", "DEBUG": "true"}
    subprocess.run([*manage, "seed_demo"], env=demo_env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    gunicorn = subprocess.Popen(
        [PY, "-m", "gunicorn", "cifre.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning", "--access-logfile", "/dev/null"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                if get(port, "/bench/minimal")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        status, body = get(port, "/")
        assert status == 200 and b"Prochains" in body, status
        for _ in range(50):  # every worker renders and caches the page (local-memory cache: one per worker)
            get(port, "/")
            get(port, "/bench/minimal")
        measure = measure_wrk if shutil.which("wrk") else measure_python
        minimal, home = [], []
        for _ in range(ROUNDS):
            minimal.append(measure(port, "/bench/minimal", ROUND_SECONDS))
            home.append(measure(port, "/", ROUND_SECONDS))
        # Rounds alternate, so each home round is paired with the minimal round just before it:
        # other processes on the machine slow both members of a pair alike. The ratio is the
        # median of the pairs' ratios.
        ratio = statistics.median(h / m for h, m in zip(home, minimal, strict=True))
        cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
        database = env["DATABASE_URL"].split(":", 1)[0]
        print(f"load generator: {measure.__name__.removeprefix('measure_')}, {CONNECTIONS} connections, "
              f"gunicorn {WORKERS} sync workers, cache {cache}, database {database}, "
              f"{ROUNDS} alternating rounds of {ROUND_SECONDS} s each")  # fmt: skip
        print(f"minimal view   : median {statistics.median(minimal):6.0f} requests/s, best {max(minimal):6.0f}")
        print(f"home page warm : median {statistics.median(home):6.0f} requests/s, best {max(home):6.0f}")
        print(f"ratio home/minimal (median of paired rounds): {ratio:.2f} (goal >= {TARGET})")
        return 0 if ratio >= TARGET else 1
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
