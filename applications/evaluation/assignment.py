"""The automatic assignment of evaluators to a call's eligible dossiers.

``solve(dossiers, evaluators, domain_rule)`` is a pure function over plain data (benchmarked in
``bench/bench_assignment.py``, property-tested with hypothesis). It gives each dossier the number of
evaluators it still ``need``s, all or nothing:

- never an evaluator already on the dossier (any status, a declined one included) or who declared a
  conflict with it (``DossierInput.excluded``), nor an obvious conflict (``conflict_reason``: the
  same lab unit code, the thesis director themself, and with ``domain_rule`` the e-mail domain of
  the thesis director);
- never beyond an evaluator's capacity; existing assignments are kept and count in the load;
- balanced: the result has the smallest sum of squared loads among all valid assignments, so when
  an assignment exists whose most and least loaded evaluators differ by at most one dossier, the
  result is one of them (below);
- among equally loaded evaluators, the best match of disciplines and keywords (``match_score``).

How. (1) Dossiers with fewer evaluators free of conflict than they need are reported at once. (2)
A greedy pass, most constrained dossiers first, gives each slot to the least-loaded eligible
evaluator with room, the best match first. When a slot finds nobody with room, an augmenting path
(as in a max-flow: the dossier takes a full evaluator, who hands one of their new dossiers on to
another, and so on until an evaluator with room) is searched; if there is none, no valid assignment
exists (max-flow/min-cut) and the dossier is reported. (3) A repair pass moves dossiers along such
chains from an evaluator of load L to one of load L - 2 or less (intermediate loads unchanged):
each move lowers the sum of squared loads, and when none is left the sum is minimal (no negative
cycle for this convex cost). Nothing is saved here: ``propose`` builds the data from the database
and returns a ``Proposal``; ``confirm`` checks it again and saves it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field

# Public webmail: sharing one of these domains says nothing about a lab.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.fr",
        "yahoo.com",
        "hotmail.fr",
        "hotmail.com",
        "outlook.fr",
        "outlook.com",
        "live.fr",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "icloud.com",
        "protonmail.com",
        "proton.me",
    }
)

SAME_LAB, DIRECTOR, SAME_DOMAIN = "same_lab", "director", "same_domain"


# --- Plain data -----------------------------------------------------------------------------------------


def words(text: str) -> frozenset[str]:
    """The entries of a comma/semicolon/slash-separated list, compared without case or accents."""
    entries = set()
    for part in re.split(r"[,;/|\n]+", text or ""):
        plain = "".join(c for c in unicodedata.normalize("NFKD", part) if not unicodedata.combining(c))
        plain = " ".join(plain.casefold().split())
        if plain:
            entries.add(plain)
    return frozenset(entries)


def unit_code(code: str) -> str:
    """``"UMR 8504"``, ``"umr-8504"`` and ``"UMR8504"`` are the same lab."""
    return re.sub(r"[\s\-_.]+", "", code or "").upper()


def email_domain(address: str) -> str:
    return (address or "").rpartition("@")[2].strip().lower()


def same_domain(a: str, b: str) -> bool:
    """``a`` and ``b`` are the same institution's domain (one may be a subdomain of the other)."""
    if not a or not b or a in PUBLIC_MAIL_DOMAINS or b in PUBLIC_MAIL_DOMAINS:
        return False
    return a == b or a.endswith("." + b) or b.endswith("." + a)


@dataclass(frozen=True)
class DossierInput:
    id: int
    label: str
    need: int
    lab_code: str = ""
    director_email: str = ""
    disciplines: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()
    # Evaluators already on the dossier (any status) or who declared a conflict with it.
    excluded: frozenset[int] = frozenset()


@dataclass(frozen=True)
class EvaluatorInput:
    id: int
    label: str
    capacity: int
    load: int = 0  # existing assignments that count (kept)
    lab_code: str = ""
    email: str = ""
    domains: frozenset[str] = frozenset()  # the profile's institution domain and the account's
    disciplines: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()


def conflict_reason(dossier: DossierInput, evaluator: EvaluatorInput, domain_rule: bool = False) -> str | None:
    """Why ``evaluator`` obviously cannot judge ``dossier`` (``SAME_LAB``, ``DIRECTOR``, ``SAME_DOMAIN``), or None."""
    if dossier.lab_code and dossier.lab_code == evaluator.lab_code:
        return SAME_LAB
    if dossier.director_email and dossier.director_email == evaluator.email:
        return DIRECTOR
    if domain_rule:
        director_domain = email_domain(dossier.director_email)
        if any(same_domain(director_domain, domain) for domain in evaluator.domains):
            return SAME_DOMAIN
    return None


def match_score(dossier: DossierInput, evaluator: EvaluatorInput) -> int:
    """Two points per shared discipline, one per shared keyword."""
    return 2 * len(dossier.disciplines & evaluator.disciplines) + len(dossier.keywords & evaluator.keywords)


@dataclass(frozen=True)
class Problem:
    """A dossier the assignment cannot serve: ``too_few`` evaluators free of conflict (``available``
    of the ``need``ed ones), or not enough ``capacity`` left among them."""

    dossier_id: int
    label: str
    code: str
    need: int
    available: int


@dataclass
class Solution:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (dossier id, evaluator id), new ones
    loads: dict[int, int] = field(default_factory=dict)  # every evaluator's load after the assignment
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


# --- The algorithm --------------------------------------------------------------------------------------


def solve(dossiers: list[DossierInput], evaluators: list[EvaluatorInput], domain_rule: bool = False) -> Solution:
    """Assign ``need`` new evaluators to every dossier, or nothing (``problems`` say which and why)."""
    load = {e.id: e.load for e in evaluators}
    room = {e.id: max(e.capacity - e.load, 0) for e in evaluators}
    wanted = [d for d in dossiers if d.need > 0]
    # Evaluators free of conflict for each dossier, best match first (ties by id: deterministic).
    eligible: dict[int, list[int]] = {}
    score: dict[tuple[int, int], int] = {}
    for d in wanted:
        ids = []
        for e in evaluators:
            if e.id in d.excluded or conflict_reason(d, e, domain_rule):
                continue
            ids.append(e.id)
            score[(d.id, e.id)] = match_score(d, e)
        eligible[d.id] = sorted(ids, key=lambda i, d=d: (-score[(d.id, i)], i))

    problems = [
        Problem(d.id, d.label, "too_few", d.need, len(eligible[d.id])) for d in wanted if len(eligible[d.id]) < d.need
    ]
    if problems:
        return Solution(loads=load, problems=problems)

    chosen: dict[int, set[int]] = {d.id: set() for d in wanted}  # new evaluators of each dossier
    carries: dict[int, set[int]] = {e.id: set() for e in evaluators}  # new dossiers of each evaluator

    def give(d_id: int, e_id: int) -> None:
        chosen[d_id].add(e_id)
        carries[e_id].add(d_id)

    def take(d_id: int, e_id: int) -> None:
        chosen[d_id].discard(e_id)
        carries[e_id].discard(d_id)

    # (2) Greedy, most constrained first; an augmenting chain when a slot finds nobody with room.
    order = sorted(wanted, key=lambda d: (len(eligible[d.id]) - d.need, -d.need, d.id))
    for d in order:
        for _slot in range(d.need):
            free = [e for e in eligible[d.id] if e not in chosen[d.id] and room[e] > 0]
            if free:
                best = min(free, key=lambda e, d=d: (load[e], -score[(d.id, e)], e))
                give(d.id, best)
                load[best] += 1
                room[best] -= 1
                continue
            starts = [e for e in eligible[d.id] if e not in chosen[d.id]]
            found = _chain(starts, carries, chosen, eligible, lambda e: room[e] > 0, skip=d.id)
            if found is None:
                problems.append(Problem(d.id, d.label, "capacity", d.need, len(eligible[d.id])))
                break
            root, moves = found
            for moved, source, target in moves:
                take(moved, source)
                give(moved, target)
            give(d.id, root)
            end = moves[0][2] if moves else root
            load[end] += 1
            room[end] -= 1
    if problems:
        return Solution(loads={e.id: e.load for e in evaluators}, problems=problems)

    # (3) Balance: move along chains from a heavy evaluator to one at least two dossiers lighter.
    while True:
        with_room = [load[e] for e in room if room[e] > 0]
        if not with_room:
            break
        lightest = min(with_room)
        improved = False
        for a in sorted((e for e in carries if carries[e]), key=lambda e: (-load[e], e)):
            if load[a] - lightest < 2:
                break
            limit = load[a] - 2
            found = _chain([a], carries, chosen, eligible, lambda e, limit=limit: room[e] > 0 and load[e] <= limit)
            if found is None:
                continue
            moves = found[1]
            end = moves[0][2]
            for moved, source, target in moves:
                take(moved, source)
                give(moved, target)
            load[a] -= 1
            room[a] += 1
            load[end] += 1
            room[end] -= 1
            improved = True
            break
        if not improved:
            break

    pairs = sorted((d_id, e_id) for d_id, ids in chosen.items() for e_id in ids)
    return Solution(pairs=pairs, loads=load)


def _chain(starts, carries, chosen, eligible, is_target, skip=None):
    """Breadth-first search for a chain of hand-overs from one of ``starts`` to an evaluator ``is_target``
    accepts: from evaluator x, one of the dossiers x newly carries (not ``skip``) may go to an evaluator y
    eligible for it and not already on it. Returns ``(root, moves)``: the start evaluator the chain begins
    at and the moves ``(dossier, from, to)`` from the target back to the root (empty when the root itself
    is a target), or None when there is no such chain."""
    parent: dict[int, tuple[int, int] | None] = {}
    queue: deque[int] = deque()
    for e_id in starts:
        parent[e_id] = None
        if is_target(e_id):
            return e_id, []
        queue.append(e_id)
    seen_dossiers: set[int] = set() if skip is None else {skip}
    while queue:
        x = queue.popleft()
        for d_id in sorted(carries[x]):
            if d_id in seen_dossiers:
                continue
            seen_dossiers.add(d_id)
            for y in eligible[d_id]:
                if y in parent or y in chosen[d_id]:
                    continue
                parent[y] = (x, d_id)
                if is_target(y):
                    moves, node = [], y
                    while parent[node] is not None:
                        x_prev, moved = parent[node]
                        moves.append((moved, x_prev, node))
                        node = x_prev
                    return node, moves
                queue.append(y)
    return None


# --- Propose, then confirm ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedPair:
    dossier_id: int
    evaluator_id: int
    dossier_label: str
    evaluator_label: str
    score: int


@dataclass
class Proposal:
    """What ``propose`` found, for staff to read before ``confirm`` (nothing saved). ``as_dict`` and
    ``from_dict`` carry it between the two requests (in the session)."""

    call_id: int
    per_dossier: int
    deadline: dt.date
    domain_rule: bool
    pairs: list[ProposedPair] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0

    def messages(self) -> list[str]:
        """Each problem in plain words (the active language)."""
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        lines = []
        for problem in self.problems:
            if problem.code == "too_few":
                lines.append(
                    ngettext(
                        "Dossier %(label)s : %(available)s évaluateur·rice sans conflit d'intérêts pour %(need)s "
                        "demandé·e·s.",
                        "Dossier %(label)s : %(available)s évaluateur·rice·s sans conflit d'intérêts pour %(need)s "
                        "demandé·e·s.",
                        problem.available,
                    )
                    % {"label": problem.label, "available": problem.available, "need": problem.need}
                )
            else:
                lines.append(
                    _(
                        "Dossier %(label)s : les évaluateur·rice·s sans conflit d'intérêts n'ont plus assez de place "
                        "(nombre de dossiers acceptés atteint)."
                    )
                    % {"label": problem.label}
                )
        return lines

    def as_dict(self) -> dict:
        return {
            "call_id": self.call_id,
            "per_dossier": self.per_dossier,
            "deadline": self.deadline.isoformat(),
            "domain_rule": self.domain_rule,
            "pairs": [[p.dossier_id, p.evaluator_id, p.dossier_label, p.evaluator_label, p.score] for p in self.pairs],
            "loads": {str(k): v for k, v in self.loads.items()},
            "problems": [[p.dossier_id, p.label, p.code, p.need, p.available] for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Proposal:
        return cls(
            call_id=int(data["call_id"]),
            per_dossier=int(data["per_dossier"]),
            deadline=dt.date.fromisoformat(data["deadline"]),
            domain_rule=bool(data["domain_rule"]),
            pairs=[ProposedPair(int(d), int(e), str(dl), str(el), int(s)) for d, e, dl, el, s in data["pairs"]],
            loads={int(k): int(v) for k, v in data["loads"].items()},
            problems=[Problem(int(d), str(label), str(c), int(n), int(a)) for d, label, c, n, a in data["problems"]],
        )


def _world(call, dossier_ids=None, evaluator_ids=None):
    """The plain data of a call for ``solve``: its assignable dossiers and the evaluators available."""
    from django.contrib.auth import get_user_model

    from accounts import roles

    from ..models import Dossier
    from .models import ACTIVE_ASSIGNMENT, Assignment, ConflictDeclaration, EvaluatorProfile
    from .services import ASSIGNABLE, evaluator_input

    dossiers = Dossier.objects.filter(call=call, status__in=ASSIGNABLE)
    if dossier_ids is not None:
        dossiers = dossiers.filter(pk__in=dossier_ids)
    dossiers = list(
        dossiers.only("pk", "number", "lab_unit_code", "director_email", "discipline", "keywords").order_by("pk")
    )
    users = get_user_model().objects.filter(groups__name=roles.EVALUATOR, is_active=True)
    if evaluator_ids is not None:
        users = users.filter(pk__in=evaluator_ids)
    users = {u.pk: u for u in users.distinct()}
    profiles = {p.user_id: p for p in EvaluatorProfile.objects.filter(user_id__in=users)}
    taken: dict[int, set[int]] = {}
    active: dict[int, int] = {}
    load: dict[int, int] = {}
    for dossier_id, evaluator_id, status in Assignment.objects.filter(dossier__call=call).values_list(
        "dossier_id", "evaluator_id", "status"
    ):
        taken.setdefault(dossier_id, set()).add(evaluator_id)
        if status in ACTIVE_ASSIGNMENT:
            active[dossier_id] = active.get(dossier_id, 0) + 1
            load[evaluator_id] = load.get(evaluator_id, 0) + 1
    for dossier_id, evaluator_id in ConflictDeclaration.objects.filter(
        dossier__call=call, has_conflict=True
    ).values_list("dossier_id", "evaluator_id"):
        taken.setdefault(dossier_id, set()).add(evaluator_id)
    evaluators = []
    for user_id in sorted(users):
        profile = profiles.get(user_id) or EvaluatorProfile(user=users[user_id], capacity=0)
        evaluators.append(evaluator_input(users[user_id], profile, load.get(user_id, 0)))
    return dossiers, active, taken, evaluators, users


def propose(call, per_dossier: int, deadline: dt.date, domain_rule: bool = False, *, dossier_ids=None) -> Proposal:
    """Propose ``per_dossier`` evaluators for each assignable dossier of ``call`` (existing assignments
    kept and counted). Nothing is saved; ``Proposal.problems`` says which dossiers cannot be served."""
    if per_dossier < 1:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"per_dossier": _("Indiquez au moins un·e évaluateur·rice par dossier.")})
    dossiers, active, taken, evaluators, _users = _world(call, dossier_ids)
    from .services import dossier_input

    inputs = [
        dossier_input(d, need=max(per_dossier - active.get(d.pk, 0), 0), excluded=taken.get(d.pk, ())) for d in dossiers
    ]
    solution = solve(inputs, evaluators, domain_rule)
    by_id = {d.id: d for d in inputs}
    people = {e.id: e for e in evaluators}
    pairs = [
        ProposedPair(d_id, e_id, by_id[d_id].label, people[e_id].label, match_score(by_id[d_id], people[e_id]))
        for d_id, e_id in solution.pairs
    ]
    return Proposal(
        call_id=call.pk,
        per_dossier=per_dossier,
        deadline=deadline,
        domain_rule=domain_rule,
        pairs=pairs,
        loads=solution.loads if solution.ok else {},
        problems=solution.problems,
    )


def confirm(proposal: Proposal, by, at: dt.datetime | None = None) -> list:
    """Save a proposal, all or nothing, after checking every pair again (the situation may have changed
    since it was proposed: then nothing is saved and staff propose again). Returns the assignments."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from ..models import Call, Dossier
    from .services import (
        ASSIGNABLE,
        EvaluationRefused,
        _create_assignment,
        _evaluation_closed,
        _require_staff,
        dossier_input,
    )

    _require_staff(by)
    at = at or timezone.now()
    if not proposal.ok:
        raise EvaluationRefused(
            _("Cette proposition ne peut pas être confirmée : %(problems)s")
            % {"problems": " ".join(proposal.messages())}
        )
    if not proposal.pairs:
        raise EvaluationRefused(_("Cette proposition n'affecte aucun dossier : il n'y a rien à confirmer."))
    if proposal.deadline <= timezone.localdate(at):
        raise EvaluationRefused(_("La date limite de l'évaluation doit être dans le futur."))
    with transaction.atomic():
        call = Call.objects.get(pk=proposal.call_id)
        if closed := _evaluation_closed(call, at):
            raise EvaluationRefused(closed)
        dossier_ids = sorted({p.dossier_id for p in proposal.pairs})
        evaluator_ids = sorted({p.evaluator_id for p in proposal.pairs})
        locked = {
            d.pk: d
            for d in Dossier.objects.select_for_update(of=("self",))
            .select_related("call", "theme")
            .filter(pk__in=dossier_ids, call=call)
            .order_by("pk")
        }
        dossiers, active, taken, evaluators, users = _world(call, dossier_ids, evaluator_ids)
        people = {e.id: e for e in evaluators}
        load = {e.id: e.load for e in evaluators}
        changed = []
        for pair in proposal.pairs:
            dossier = locked.get(pair.dossier_id)
            person = people.get(pair.evaluator_id)
            if dossier is None or dossier.status not in ASSIGNABLE or person is None:
                changed.append(pair.dossier_label)
                continue
            if pair.evaluator_id in taken.get(dossier.pk, ()) or conflict_reason(
                dossier_input(dossier), person, proposal.domain_rule
            ):
                changed.append(pair.dossier_label)
                continue
            load[person.id] += 1
            active[dossier.pk] = active.get(dossier.pk, 0) + 1
            taken.setdefault(dossier.pk, set()).add(person.id)
        over = [people[i].label for i in load if load[i] > people[i].capacity and load[i] > people[i].load]
        if changed or over:
            raise EvaluationRefused(
                _(
                    "La situation a changé depuis la proposition (%(what)s) : rien n'a été affecté. Relancez la "
                    "proposition."
                )
                % {"what": ", ".join(sorted(set(changed)) + sorted(set(over)))}
            )
        return [
            _create_assignment(locked[p.dossier_id], users[p.evaluator_id], proposal.deadline, by, automatic=True)
            for p in proposal.pairs
        ]
