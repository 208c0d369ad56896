"""The call's closing hour under load: 200 candidates autosaving every 5 s, 100 submissions in the last minute.

Usage: `.venv/bin/python bench/bench_closing_hour.py` (about 2 minutes). Needs PostgreSQL
(`BENCH_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`): it creates its own
database `bench_closing_<pid>`, migrates it, loads 300 candidates (200 drafts being typed, 100 complete
drafts waiting to be submitted) and drops the database at the end, whatever happens. The production
shape: gunicorn (4 sync workers) and, when Redis answers at `REDIS_URL` (default
`redis://127.0.0.1:6379/15`), a Celery worker rendering the receipts (otherwise tasks run inline, in
the request). Load comes from threads of this process against 127.0.0.1 only, bounded in time.

It prints the number of requests, errors, the median and 95th percentile of each kind, and then reads
every dossier back: every autosaved value acknowledged by the server must be the stored one (no lost
save) and every submission must have its number, without gap. Exit status 1 when a goal is missed:
no error, no lost save, p95 under 500 ms.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
AUTOSAVERS = int(os.environ.get("BENCH_AUTOSAVERS", "200"))
SUBMITTERS = int(os.environ.get("BENCH_SUBMITTERS", "100"))
AUTOSAVE_EVERY = 5.0
LOAD_SECONDS = float(os.environ.get("BENCH_SECONDS", "75"))
LAST_MINUTE = 60.0
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
P95_GOAL_MS = 500.0

SETUP = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from accounts.models import User
from accounts import roles
from applications.models import Call, Theme, Criterion, Dossier
from conventions.models import Employer, HostDepartment
from tests.applications.factories import fill

autosavers, submitters, closes_in = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
now = timezone.now()
paris = Employer.objects.create(name="Ville de Paris", siret="21750001600019", address="Hôtel de Ville")
department = HostDepartment.objects.create(employer=paris, name="Direction des espaces verts", acronym="DEVE")
call = Call.objects.create(
    year=2030, title_fr="Appel 2030", opens_at=now - dt.timedelta(days=30),
    closes_at=now + dt.timedelta(seconds=closes_in), planned_filing_date=timezone.localdate() + dt.timedelta(days=120),
    planned_effective_date=timezone.localdate() + dt.timedelta(days=240), is_published=True,
)
Theme.objects.create(call=call, host_department=department, title_fr="Arbres", description_fr="Arbres.",
                     contact_name="C. Martin", contact_email="c@paris.fr")
Criterion.objects.create(call=call, label_fr="Qualité", weight=1)
out = {"autosavers": [], "submitters": []}
for i in range(autosavers + submitters):
    user = User.objects.create_user(email=f"bench{i}@example.org", password="x" * 12, first_name="Alex",
                                    last_name=f"Bench{i}")
    roles.grant_role(user, roles.CANDIDATE)
    dossier = Dossier.objects.create(call=call, candidate=user, first_name="Alex", last_name=f"Bench{i}",
                                     email=user.email)
    client = Client()
    client.force_login(user)
    row = {"dossier": dossier.pk, "session": client.cookies["sessionid"].value}
    if i < autosavers:
        row["url"] = reverse("applications:autosave", args=[dossier.pk, "project"])
        out["autosavers"].append(row)
    else:
        fill(dossier)
        row["url"] = reverse("applications:submit", args=[dossier.pk])
        out["submitters"].append(row)
json.dump(out, sys.stdout)
"""

CHECK = r"""
import json, sys
import django
django.setup()
from applications.models import Dossier
ids = json.load(sys.stdin)
rows = Dossier.objects.filter(pk__in=ids).values("pk", "summary", "number", "status")
json.dump({r["pk"]: r for r in rows}, sys.stdout)
"""

RECEIPTS = r"""
import sys
import django
django.setup()
from notifications.models import EmailLog
print(EmailLog.objects.filter(dedupe_key__startswith="dossier-receipt:", status="sent").count())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {"autosave": [], "submit": []}
        self.errors: list[str] = []

    def add(self, kind: str, ms: float, error: str | None = None) -> None:
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self.errors.append(f"{kind}: {error}")


def post(port: int, path: str, session: str, csrf: str, body: dict, accept_json: bool) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Host": "127.0.0.1",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json" if accept_json else "text/html",
    }
    start = time.perf_counter()
    conn.request("POST", path, body=urlencode(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    return response.status, data, elapsed


def autosaver(port, row, stop_at, recorder, acknowledged):
    csrf = secrets.token_hex(16)
    version, seq = 0, 0
    time.sleep(random.uniform(0, AUTOSAVE_EVERY))  # noqa: S311 - spread the first saves
    while time.monotonic() < stop_at:
        seq += 1
        value = f"Résumé {row['dossier']} version {seq}"
        try:
            status, data, ms = post(
                port, row["url"], row["session"], csrf, {"summary": value, "step_version": version}, True
            )
        except OSError as exc:
            recorder.add("autosave", 30000.0, f"{type(exc).__name__}: {exc}")
            continue
        if status == 200:
            answer = json.loads(data)
            version = answer["version"]
            acknowledged[row["dossier"]] = value
            recorder.add("autosave", ms)
        else:
            recorder.add("autosave", ms, f"HTTP {status} {data[:200]!r}")
        time.sleep(max(0.0, AUTOSAVE_EVERY - ms / 1000))


def submitter(port, row, at, recorder):
    csrf = secrets.token_hex(16)
    time.sleep(max(0.0, at - time.monotonic()))
    try:
        status, data, ms = post(port, row["url"], row["session"], csrf, {}, False)
    except OSError as exc:
        recorder.add("submit", 30000.0, f"{type(exc).__name__}: {exc}")
        return
    # A submission answers with a redirect to the dossier's page.
    recorder.add("submit", ms, None if status in (200, 302, 303) else f"HTTP {status} {data[:200]!r}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def main() -> int:
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"bench_closing_{os.getpid()}"
    try:
        admin_sql(server, f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL is needed (BENCH_POSTGRES_URL={server}): {exc}")
        return 2
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    use_worker = redis_available(redis_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench_closing",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": with_database(server, name),
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "BENCH_EAGER": "0" if use_worker else "1",
    }
    if use_worker:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    procs: list[subprocess.Popen] = []
    try:
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
        closes_in = 20 + LOAD_SECONDS + 60  # setup, the load, and a margin: every submission is on time
        started = time.perf_counter()
        setup = subprocess.run(
            [PY, "-c", SETUP, str(AUTOSAVERS), str(SUBMITTERS), str(closes_in + 120)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if setup.returncode:
            raise SystemExit(f"loading the candidates failed:\n{setup.stderr[-3000:]}")
        rows = json.loads(setup.stdout)
        print(f"loaded {AUTOSAVERS + SUBMITTERS} candidates in {time.perf_counter() - started:.1f} s")
        port = free_port()
        procs.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "cifre.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(WORKERS),
                    "--log-level",
                    "warning",
                    "--access-logfile",
                    "/dev/null",
                ],
                env=env,
                cwd=ROOT,
            )  # fmt: skip
        )
        if use_worker:
            procs.append(
                subprocess.Popen(
                    # Below the web's priority, as in production: receipts may queue for a few minutes
                    # at the closing hour, the candidates' pages must not.
                    [
                        "nice",
                        "-n",
                        "15",
                        PY,
                        "-m",
                        "celery",
                        "-A",
                        "cifre",
                        "worker",
                        "--pool",
                        "solo",
                        "--loglevel",
                        "ERROR",
                    ],  # fmt: skip
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                )
            )
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")

        recorder, acknowledged = Recorder(), {}
        begin = time.monotonic()
        stop_at = begin + LOAD_SECONDS
        threads = [
            threading.Thread(target=autosaver, args=(port, row, stop_at, recorder, acknowledged))
            for row in rows["autosavers"]
        ]
        first_submit = stop_at - LAST_MINUTE
        threads += [
            threading.Thread(
                target=submitter, args=(port, row, first_submit + LAST_MINUTE * i / len(rows["submitters"]), recorder)
            )
            for i, row in enumerate(rows["submitters"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=LOAD_SECONDS + 120)

        load_end = time.monotonic()
        drained = None
        while time.monotonic() - load_end < 600:  # the receipts' queue, bounded
            count = subprocess.run([PY, "-c", RECEIPTS], env=env, cwd=ROOT, capture_output=True, text=True)
            if count.returncode == 0 and int(count.stdout.strip() or 0) >= len(rows["submitters"]):
                drained = time.monotonic() - load_end
                break
            time.sleep(2)

        ids = [row["dossier"] for row in rows["autosavers"] + rows["submitters"]]
        check = subprocess.run(
            [PY, "-c", CHECK], input=json.dumps(ids), env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        stored = {int(k): v for k, v in json.loads(check.stdout).items()}
        lost = [pk for pk, value in acknowledged.items() if stored[pk]["summary"] != value]
        numbers = sorted(stored[row["dossier"]]["number"] or "" for row in rows["submitters"])
        expected = [f"2030-{n:04d}" for n in range(1, len(rows["submitters"]) + 1)]

        print(
            f"gunicorn {WORKERS} sync workers, receipts by "
            f"{'a Celery worker (Redis)' if use_worker else 'the request (no Redis: tasks inline)'}; "
            f"{AUTOSAVERS} autosavers every {AUTOSAVE_EVERY:.0f} s for {LOAD_SECONDS:.0f} s, "
            f"{SUBMITTERS} submissions over the last {LAST_MINUTE:.0f} s"
        )
        all_times = []
        for kind, times in recorder.times.items():
            all_times += times
            if times:
                print(
                    f"{kind:9}: {len(times):5} requests, median {statistics.median(times):6.1f} ms, "
                    f"p95 {percentile(times, 95):6.1f} ms, max {max(times):7.1f} ms"
                )
        p95 = percentile(all_times, 95)
        print(f"all      : {len(all_times):5} requests, p95 {p95:.1f} ms (goal < {P95_GOAL_MS:.0f} ms)")
        print(f"errors   : {len(recorder.errors)}" + (f" — first: {recorder.errors[:3]}" if recorder.errors else ""))
        print(f"lost saves: {len(lost)} of {len(acknowledged)} dossiers read back")
        print(f"submissions numbered without gap: {numbers == expected} ({sum(1 for n in numbers if n)} numbered)")
        print(
            "receipts (PDFs and e-mail) all sent "
            + (f"{drained:.0f} s after the last submission" if drained is not None else "NOT within 10 minutes")
        )
        ok = not recorder.errors and not lost and numbers == expected and p95 < P95_GOAL_MS and drained is not None
        return 0 if ok else 1
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
