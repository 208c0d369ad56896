"""`make bench` with one DATABASE_URL: each benchmark makes its own database, never asks a question, and
drops it at the end, even when a run failed or a killed run left one of the same name behind."""

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {root!r})
    import django
    django.setup()
    from django.db import connection
    from bench._database import own_database

    leftover = f"bench_probe_{{os.getpid()}}"
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:  # what a killed run of the same name left behind
            cursor.execute(f'CREATE DATABASE "{{leftover}}"')
    server_database = connection.settings_dict["NAME"]
    try:
        with own_database("probe") as name:
            tables = connection.introspection.table_names()
            print("inside", os.path.basename(name), connection.settings_dict["NAME"] == name,
                  "events_event" in tables)
            raise RuntimeError("the benchmark failed")
    except RuntimeError as exc:
        print("raised", exc)
    print("after", connection.settings_dict["NAME"] == server_database)
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [leftover])
            print("left", cursor.fetchone()[0])
    else:
        print("left", os.path.exists(name))
    """
)


def _probe(**env: str) -> list[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT))],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "cifre.settings_test", **env},
        stdin=subprocess.DEVNULL,  # a question would end the run: there must be none
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.postgres
def test_own_database_on_postgresql_replaces_a_leftover_without_a_question_and_drops_it():
    lines = _probe(DATABASE_URL=os.environ["DATABASE_URL"])
    assert lines[1:] == ["raised the benchmark failed", "after True", "left 0"]
    assert lines[0].split()[0] == "inside" and lines[0].split()[1].startswith("bench_probe_")
    assert lines[0].split()[2:] == ["True", "True"]


def test_own_database_on_sqlite_is_a_temporary_file_removed_at_the_end():
    lines = _probe()
    assert lines == ["inside bench.sqlite3 True True", "raised the benchmark failed", "after True", "left False"]


def _calls(script: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value == "migrate":
            names.add("migrate")
    return names


@pytest.mark.parametrize("name", ["bench_foundation", "bench_conventions", "bench_sweep", "bench_ranking"])
def test_database_benchmarks_use_a_database_of_their_own(name):
    calls = _calls(ROOT / "bench" / f"{name}.py")
    assert "own_database" in calls
    assert calls & {"create_test_db", "destroy_test_db", "migrate", "call_command"} == set()


def test_the_readme_commands_name_a_server_not_a_database_to_create():
    readme = (ROOT / "README.md").read_text() + (ROOT / "bench" / "README.md").read_text()
    assert "cifre_bench" not in readme
    assert "DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench" in readme
