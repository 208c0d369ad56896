"""``manage.py cifre``: JSON in, JSON out; every bad input is one ``error:`` line and status 2."""

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_A = {
    "effective_date": "2025-03-17",
    "annual_subsidy": "14000",
    "as_of": "2026-06-01",
    "received": {
        "employment_contract": "2025-03-20",
        "hiring_declaration": "2025-03-20",
        "enrolment:2024": "2025-04-10",
        "collaboration_contract": "2025-08-01",
    },
}


def run(action, payload, *extra, monkeypatch):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("cifre", action, *extra, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_plan_example_a_through_the_command(monkeypatch):
    code, out, err = run("plan", EXAMPLE_A, monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["duration_months"] == 36
    assert result["end_date"] == "2028-03-16"
    assert result["instalments"][0] == {
        "number": 1,
        "period_start": "2025-03-17",
        "period_end": "2025-03-31",
        "due_date": "2025-03-31",
        "amount": "564.52",
        "gated_by": ["employment_contract", "enrolment:2024", "hiring_declaration"],
        "status": "payable",
    }
    assert result["instalments"][12]["amount"] == "2935.48"
    assert result["totals"] == {
        "subsidy": "42000.00",
        "payable": "4064.52",
        "withheld": "0.00",
        "forfeited": "37935.48",
        "upcoming": "0.00",
    }
    assert result["obligations"][4] == {
        "key": "enrolment:2025",
        "due": "2025-09-30",
        "forfeits_on": "2026-05-30",
        "received": None,
        "status": "missed",
    }
    assert list(result) == ["duration_months", "end_date", "obligations", "instalments", "totals"]


def test_plan_balance_after_a_suspension_in_31_day_months_through_the_command(monkeypatch):
    """RULES.md §4 (amended), its example: instalment 13 is the balance; 1 April 2029 earns none."""
    payload = {
        "effective_date": "2026-02-01",
        "annual_subsidy": "14000.00",
        "duration_months": 36,
        "as_of": "2029-06-01",
        "suspensions": [{"start": "2027-07-01", "end": "2027-08-29"}],
        "received": {
            "employment_contract": "2026-01-20",
            "hiring_declaration": "2026-01-20",
            "enrolment:2025": "2026-02-10",
            "collaboration_contract": "2026-07-15",
            "enrolment:2026": "2026-09-20",
            "activity_report:1": "2027-02-01",
            "enrolment:2027": "2027-09-20",
            "activity_report:2": "2028-04-01",
            "enrolment:2028": "2028-09-20",
            "final_evaluation": "2029-04-15",
        },
    }
    code, out, err = run("plan", payload, monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["end_date"] == "2029-04-01"
    amounts = [line["amount"] for line in result["instalments"]]
    assert amounts == ["2333.33", *["3500.00"] * 5, "1241.94", *["3500.00"] * 5, "3424.73"]
    assert sum(Decimal(a) for a in amounts) == Decimal("42000.00")
    assert result["instalments"][-1] == {
        "number": 13,
        "period_start": "2029-01-01",
        "period_end": "2029-03-31",
        "due_date": "2029-03-31",
        "amount": "3424.73",
        "gated_by": [
            "activity_report:1",
            "activity_report:2",
            "collaboration_contract",
            "employment_contract",
            "enrolment:2028",
            "final_evaluation",
            "hiring_declaration",
        ],
        "status": "payable",  # since the final evaluation was received, 2029-04-15
    }
    final = next(o for o in result["obligations"] if o["key"] == "final_evaluation")
    assert (final["due"], final["forfeits_on"], final["status"]) == ("2029-05-01", "2029-10-01", "received")
    assert result["totals"] == {
        "subsidy": "42000.00",
        "payable": "42000.00",
        "withheld": "0.00",
        "forfeited": "0.00",
        "upcoming": "0.00",
    }


def test_plan_reads_a_file_and_accepts_numbers(tmp_path, monkeypatch):
    path = tmp_path / "b.json"
    path.write_text(
        json.dumps(
            {
                "effective_date": "2025-10-01",
                "annual_subsidy": 14000,
                "as_of": "2025-10-01",
                "submission_date": "2025-06-20",
                "doctoral_enrolment_date": "2024-11-04",
                "suspensions": [{"start": "2026-02-02", "end": "2026-05-24"}],
                "work_permit_required": True,
            }
        )
    )
    code, out, err = run("plan", "", str(path), monkeypatch=monkeypatch)
    result = json.loads(out)
    assert (code, result["duration_months"], result["end_date"]) == (0, 29, "2028-06-20")
    assert result["totals"]["subsidy"] == "33833.33"


def test_plan_file_with_a_byte_order_mark(tmp_path, monkeypatch):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(EXAMPLE_A), encoding="utf-8-sig")
    code, out, err = run("plan", "", str(path), monkeypatch=monkeypatch)
    assert (code, err, json.loads(out)["totals"]["subsidy"]) == (0, "", "42000.00")


@pytest.mark.parametrize(("school", "ok"), [("ED 624", True), (624, True), ("  ", False), (None, False), (True, True)])
def test_the_lab_names_its_doctoral_school_by_name_or_number(school, ok, monkeypatch):
    payload = {"reference_date": "2025-06-01", "effective_date": "2025-10-01", "lab": {"doctoral_school": school}}
    code, out, _ = run("eligibility", payload, monkeypatch=monkeypatch)
    check = json.loads(out)["checks"][8]
    assert (code, check["code"], check["ok"]) == (0, "lab_doctoral_school", ok)


def test_plan_as_of_defaults_to_today_in_paris(monkeypatch):
    from django.utils import timezone

    payload = {k: v for k, v in EXAMPLE_A.items() if k != "as_of"}
    code, out, _ = run("plan", payload, monkeypatch=monkeypatch)
    today = timezone.localdate()
    expected = "missed" if today.isoformat() > "2026-05-30" else "overdue"
    assert (code, json.loads(out)["obligations"][4]["status"]) == (0, expected)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("{not json", "input"),
        ("[1, 2]", "input"),
        ('{"effective_date": "2025-03-17", "annual_subsidy": NaN}', "input"),
        ({"annual_subsidy": "14000"}, "effective_date"),
        ({"effective_date": "2025-03-17"}, "annual_subsidy"),
        ({"effective_date": "2025-02-30", "annual_subsidy": "14000"}, "effective_date"),
        ({"effective_date": "17/03/2025", "annual_subsidy": "14000"}, "effective_date"),
        ({"effective_date": 20250317, "annual_subsidy": "14000"}, "effective_date"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "-5"}, "annual_subsidy"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "0"}, "annual_subsidy"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "abc"}, "annual_subsidy"),
        ({"effective_date": "2025-03-17", "annual_subsidy": True}, "annual_subsidy"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "colour": "red"}, "colour"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "duration_months": 37}, "duration_months"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "duration_months": 0}, "duration_months"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "duration_months": 12.5}, "duration_months"),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "as_of": "tomorrow"}, "as_of"),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "work_permit_required": "yes"},
            "work_permit_required",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "suspensions": {"start": "2026-01-01"}},
            "suspensions",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "suspensions": [{"start": "2026-01-01"}]},
            "suspensions[0].end",
        ),
        (
            {
                "effective_date": "2025-03-17",
                "annual_subsidy": "14000",
                "suspensions": [{"start": "2026-01-01", "end": "2026-02-28", "reason": "x"}],
            },
            "suspensions[0].reason",
        ),
        (
            {
                "effective_date": "2025-03-17",
                "annual_subsidy": "14000",
                "suspensions": [{"start": "2026-01-10", "end": "2026-02-08"}],
            },
            "suspensions[0].end",
        ),
        (
            {
                "effective_date": "2025-03-17",
                "annual_subsidy": "14000",
                "suspensions": [
                    {"start": "2026-01-01", "end": "2026-03-31"},
                    {"start": "2026-03-01", "end": "2026-04-30"},
                ],
            },
            "suspensions[1]",
        ),
        (
            {
                "effective_date": "2025-03-17",
                "annual_subsidy": "14000",
                "suspensions": [{"start": "2025-01-01", "end": "2025-03-31"}],
            },
            "suspensions[0]",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "termination_date": "2025-03-16"},
            "termination_date",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "termination_date": "2028-03-17"},
            "termination_date",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "received": {"thesis": "2025-04-01"}},
            "received.thesis",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "received": {"enrolment:2019": "2025-04-01"}},
            "received.enrolment:2019",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "received": {"work_permit": "2025-04-01"}},
            "received.work_permit",
        ),
        (
            {"effective_date": "2025-03-17", "annual_subsidy": "14000", "received": {"employment_contract": "soon"}},
            "received.employment_contract",
        ),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "received": ["employment_contract"]}, "received"),
        # Dates the engine cannot compute with (issue 9): refused on their field, not "input: ValueError".
        ({"effective_date": "9999-12-31", "annual_subsidy": "14000"}, "effective_date"),
        (
            {
                "effective_date": "2025-03-17",
                "annual_subsidy": "14000",
                "suspensions": [{"start": "2026-01-01", "end": "9999-12-31"}],
            },
            "suspensions[0].end",
        ),
        ({"effective_date": "2025-03-17", "annual_subsidy": "14000", "as_of": "0001-01-01"}, "as_of"),
    ],
)
def test_plan_bad_input(payload, field, monkeypatch):
    code, out, err = run("plan", payload, monkeypatch=monkeypatch)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {field}: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_eligibility_in_french_and_english(monkeypatch):
    payload = {
        "reference_date": "2025-06-01",
        "effective_date": "2025-10-01",
        "masters_date": "2024-09-15",
        "employment_periods": [{"start": "2024-08-01", "end": None}],
        "employer": {"kind": "local_authority", "established_in_france": True, "technical_centre_condition": None},
        "contract": {"type": "fixed_term", "months": 36},
        "lab": {"doctoral_school": "ED 624", "abroad": False, "cotutelle": False},
    }
    code, out, err = run("eligibility", payload, monkeypatch=monkeypatch)
    result = json.loads(out)
    assert (code, err, result["eligible"]) == (0, "", False)
    assert [c["code"] for c in result["checks"]] == [
        "masters_held",
        "masters_recent",
        "not_doctor",
        "no_other_thesis",
        "enrolment_recent",
        "prior_employment",
        "employer_eligible",
        "contract_duration",
        "lab_doctoral_school",
        "lab_cotutelle",
    ]
    failed = [c for c in result["checks"] if not c["ok"]]
    assert failed == [
        {
            "code": "prior_employment",
            "ok": False,
            "message": "305 jours déjà travaillés chez cet employeur : plus de neuf mois (273 jours au plus).",
        }
    ]
    payload["employment_periods"] = [{"start": "2025-01-01", "end": "2025-03-31"}]
    code, out, _ = run("eligibility", payload, "--language", "en", monkeypatch=monkeypatch)
    result = json.loads(out)
    assert (code, result["eligible"]) == (0, True)
    assert result["checks"][5]["message"] == "90 day(s) already worked for this employer: 273 at most."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"effective_date": "2025-10-01"}, "reference_date"),
        ({"reference_date": "2025-06-01", "effective_date": "2025-10-01", "age": 25}, "age"),
        (
            {
                "reference_date": "2025-06-01",
                "effective_date": "2025-10-01",
                "employer": {"kind": "bank", "established_in_france": True},
            },
            "employer.kind",
        ),
        (
            {"reference_date": "2025-06-01", "effective_date": "2025-10-01", "contract": {"type": "fixed_term"}},
            "contract.months",
        ),
        (
            {
                "reference_date": "2025-06-01",
                "effective_date": "2025-10-01",
                "employment_periods": [{"start": "2025-03-01", "end": "2025-02-01"}],
            },
            "employment_periods[0].end",
        ),
        ({"reference_date": "2025-06-01", "effective_date": "2025-10-01", "lab": {"abroad": "no"}}, "lab.abroad"),
        ({"reference_date": "2025-06-01", "effective_date": "2025-10-01", "is_doctor": 0}, "is_doctor"),
        (
            {"reference_date": "2025-06-01", "effective_date": "2025-10-01", "masters_date": "0001-01-01"},
            "masters_date",
        ),
    ],
)
def test_eligibility_bad_input(payload, field, monkeypatch):
    code, out, err = run("eligibility", payload, "--language", "en", monkeypatch=monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {field}: ")


def test_real_process_exit_status_and_streams(tmp_path):
    """Through a real process with no environment set up: exit 2, stderr only, no traceback."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    bad = subprocess.run(
        [sys.executable, "manage.py", "cifre", "plan", "-"],
        input='{"effective_date": "x"}',
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.startswith("error: effective_date: ")
    missing = subprocess.run(
        [sys.executable, "manage.py", "cifre", "plan", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr.startswith("error: file: ")
    good = subprocess.run(
        [sys.executable, "manage.py", "cifre", "plan"],
        input=json.dumps(EXAMPLE_A),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert (good.returncode, good.stderr) == (0, "")
    assert json.loads(good.stdout)["totals"]["forfeited"] == "37935.48"
