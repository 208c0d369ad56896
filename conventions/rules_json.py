"""The JSON interface of RULES.md §7: strict parsing into ``rules`` inputs, and the output shapes.

Pure Python like ``rules``. Every refusal is a ``rules.RuleError`` naming the field
(``suspensions[1].end``, ``received.enrolment:2019``…), which the command prints as
``error: <field>: <reason>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import rules
from .rules import RuleError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


def loads(text: str) -> dict[str, Any]:
    """Parse one JSON object; numbers with a fraction become ``Decimal``, never float."""

    def no_constants(name: str):
        raise ValueError(f"{name} is not allowed")

    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    except (ValueError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise RuleError("input", "malformed_json", detail=detail) from None
    if not isinstance(data, dict):
        raise RuleError("input", "invalid_object")
    return data


class _Reader:
    """Reads the fields of one JSON object, refusing unknown ones."""

    def __init__(self, data: Any, prefix: str, allowed: set[str]) -> None:
        if not isinstance(data, dict):
            raise RuleError(prefix or "input", "invalid_object")
        self.data, self.prefix = data, prefix
        for name in data:
            if name not in allowed:
                raise RuleError(self.path(str(name)), "unknown_field")

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def get(self, name: str, parse: Callable[[Any, str], Any], *, required: bool = False, default: Any = None):
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise RuleError(self.path(name), "required")
            return default
        return parse(value, self.path(name))


def parse_date(value: Any, path: str) -> date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise RuleError(path, "invalid_date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleError(path, "invalid_date") from None


def parse_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(path, "invalid_bool")
    return value


def parse_amount(value: Any, path: str) -> Decimal:
    if isinstance(value, bool):
        raise RuleError(path, "invalid_amount")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise RuleError(path, "invalid_amount") from None
    else:
        raise RuleError(path, "invalid_amount")
    if not amount.is_finite() or amount <= 0:
        raise RuleError(path, "invalid_amount")
    return amount


def _months(low: int, high: int) -> Callable[[Any, str], int]:
    def parse(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise RuleError(path, "invalid_months", low=low, high=high)
        return value

    return parse


def _choice(options: tuple[str, ...]) -> Callable[[Any, str], str]:
    def parse(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise RuleError(path, "invalid_choice", value=json.dumps(value, default=str))
        return value

    return parse


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise RuleError(path, "invalid_list")
    return value


# --- plan -----------------------------------------------------------------------------------

PLAN_FIELDS = {
    "effective_date",
    "annual_subsidy",
    "as_of",
    "duration_months",
    "submission_date",
    "doctoral_enrolment_date",
    "suspensions",
    "termination_date",
    "work_permit_required",
    "received",
}


def _suspensions(value: Any, path: str) -> tuple[rules.Suspension, ...]:
    result = []
    for index, item in enumerate(_list(value, path)):
        reader = _Reader(item, f"{path}[{index}]", {"start", "end"})
        result.append(
            rules.Suspension(
                reader.get("start", parse_date, required=True), reader.get("end", parse_date, required=True)
            )
        )
    return tuple(result)


def _received(value: Any, path: str) -> dict[str, date]:
    if not isinstance(value, dict):
        raise RuleError(path, "invalid_object")
    result = {}
    for key, when in value.items():
        if when is not None:
            result[key] = parse_date(when, f"{path}.{key}")
    return result


def parse_plan_input(data: dict[str, Any]) -> tuple[rules.Facts, date | None]:
    """The facts of a plan request and its ``as_of`` (None: the caller's today)."""
    reader = _Reader(data, "", PLAN_FIELDS)
    facts = rules.Facts(
        effective_date=reader.get("effective_date", parse_date, required=True),
        annual_subsidy=reader.get("annual_subsidy", parse_amount, required=True),
        duration_months=reader.get("duration_months", _months(1, rules.FULL_DURATION_MONTHS)),
        submission_date=reader.get("submission_date", parse_date),
        doctoral_enrolment_date=reader.get("doctoral_enrolment_date", parse_date),
        suspensions=reader.get("suspensions", _suspensions, default=()),
        termination_date=reader.get("termination_date", parse_date),
        work_permit_required=reader.get("work_permit_required", parse_bool, default=False),
        received=reader.get("received", _received, default={}),
    )
    return facts, reader.get("as_of", parse_date)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal) -> str:
    return str(value.quantize(rules.CENT))


def plan_to_json(plan: rules.Plan) -> dict[str, Any]:
    return {
        "duration_months": plan.duration_months,
        "end_date": plan.end_date.isoformat(),
        "obligations": [
            {
                "key": o.key,
                "due": o.due.isoformat(),
                "forfeits_on": _iso(o.forfeits_on),
                "received": _iso(o.received),
                "status": o.status,
            }
            for o in plan.obligations
        ],
        "instalments": [
            {
                "number": i.number,
                "period_start": i.period_start.isoformat(),
                "period_end": i.period_end.isoformat(),
                "due_date": i.due_date.isoformat(),
                "amount": _money(i.amount),
                "gated_by": list(i.gated_by),
                "status": i.status,
            }
            for i in plan.instalments
        ],
        "totals": {
            name: _money(plan.totals[name]) for name in ("subsidy", "payable", "withheld", "forfeited", "upcoming")
        },
    }


def run_plan(text: str, today: date) -> dict[str, Any]:
    facts, as_of = parse_plan_input(loads(text))
    return plan_to_json(rules.plan_convention(facts, as_of or today))


# --- eligibility ----------------------------------------------------------------------------

ELIGIBILITY_FIELDS = {
    "reference_date",
    "effective_date",
    "masters_date",
    "is_doctor",
    "other_thesis_started",
    "doctoral_enrolment_date",
    "employment_periods",
    "employer",
    "contract",
    "lab",
    "duration_months",
}


def _employment_periods(value: Any, path: str) -> tuple[rules.EmploymentPeriod, ...]:
    result = []
    for index, item in enumerate(_list(value, path)):
        reader = _Reader(item, f"{path}[{index}]", {"start", "end"})
        start = reader.get("start", parse_date, required=True)
        end = reader.get("end", parse_date)
        if end is not None and end < start:
            raise RuleError(reader.path("end"), "period_reversed", start=start, end=end)
        result.append(rules.EmploymentPeriod(start, end))
    return tuple(result)


def _employer(value: Any, path: str) -> rules.Employer:
    reader = _Reader(value, path, {"kind", "established_in_france", "technical_centre_condition"})
    return rules.Employer(
        kind=reader.get("kind", _choice(rules.EMPLOYER_KINDS), required=True),
        established_in_france=reader.get("established_in_france", parse_bool, required=True),
        technical_centre_condition=reader.get("technical_centre_condition", _choice(rules.TECHNICAL_CENTRE_CONDITIONS)),
    )


def _contract(value: Any, path: str) -> rules.Contract:
    reader = _Reader(value, path, {"type", "months"})
    kind = reader.get("type", _choice(rules.CONTRACT_TYPES), required=True)
    months = reader.get("months", _months(1, 1200), required=kind == "fixed_term")
    return rules.Contract(kind, months)


def _doctoral_school(value: Any, path: str) -> bool:
    """The doctoral school's name or number (or true/false): the lab names one when it is given."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, int):
        return value > 0
    raise RuleError(path, "invalid_text")


def _lab(value: Any, path: str) -> rules.Lab:
    reader = _Reader(value, path, {"doctoral_school", "abroad", "cotutelle"})
    return rules.Lab(
        doctoral_school=reader.get("doctoral_school", _doctoral_school, default=False),
        abroad=reader.get("abroad", parse_bool, default=False),
        cotutelle=reader.get("cotutelle", parse_bool, default=False),
    )


def parse_eligibility_input(data: dict[str, Any]) -> rules.EligibilityInput:
    reader = _Reader(data, "", ELIGIBILITY_FIELDS)
    return rules.EligibilityInput(
        reference_date=reader.get("reference_date", parse_date, required=True),
        effective_date=reader.get("effective_date", parse_date, required=True),
        masters_date=reader.get("masters_date", parse_date),
        is_doctor=reader.get("is_doctor", parse_bool, default=False),
        other_thesis_started=reader.get("other_thesis_started", parse_bool, default=False),
        doctoral_enrolment_date=reader.get("doctoral_enrolment_date", parse_date),
        employment_periods=reader.get("employment_periods", _employment_periods, default=()),
        employer=reader.get("employer", _employer),
        contract=reader.get("contract", _contract),
        lab=reader.get("lab", _lab),
        duration_months=reader.get(
            "duration_months", _months(1, rules.FULL_DURATION_MONTHS), default=rules.FULL_DURATION_MONTHS
        ),
    )


def eligibility_to_json(result: rules.EligibilityResult, language: str = "fr") -> dict[str, Any]:
    return {
        "eligible": result.eligible,
        "checks": [{"code": c.code, "ok": c.ok, "message": c.message(language)} for c in result.checks],
    }


def run_eligibility(text: str, language: str = "fr") -> dict[str, Any]:
    return eligibility_to_json(rules.check_eligibility(parse_eligibility_input(loads(text))), language)
