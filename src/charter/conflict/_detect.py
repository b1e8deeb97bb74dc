"""Find conflicting clauses in a composed spec and decide what the chain of command says."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from charter._memo import Memo
from charter.compose import effective_authority, evaluate_overrides
from charter.conflict._config import ConflictSettings, Resolution, Resolutions
from charter.conflict._definitions import definitions, substituted
from charter.conflict._deterministic import (
    contained_opposites,
    decided,
    opposite_modality,
    quantity_conflicts,
)
from charter.conflict._normalize import Statement, statements
from charter.conflict._witness import Witness, witness
from charter.spec import Authority, Clause, Spec

if TYPE_CHECKING:
    from charter.conflict._calibration import JudgeCalibration
    from charter.conflict._judge import JudgeVerdict

#: Kinds of finding: a confirmed contradiction, a guideline the importer overrides implicitly,
#: and a candidate nobody has adjudicated.
CONFLICT, IMPLICIT, POSSIBLE = "conflict", "implicit-override", "possible"
#: With a judge configured, opposite-modality pairs whose acts are alike within this much below
#: `[conflicts] similarity` are asked about too (the modality test alone drops them).
NEAR_MARGIN = 0.15


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two clauses that contradict each other (or may), with the evidence and a proposal."""

    first: Clause
    second: Clause
    status: str
    evidence: str
    proposal: str
    witness: Witness | None = None
    """A challenge conversation on which both clauses apply, as a prompt-file proposal."""

    @property
    def ids(self) -> frozenset[str]:
        return frozenset((self.first.id, self.second.id))


@dataclass(slots=True)
class ConflictReport:
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[tuple[Conflict, Resolution]] = field(default_factory=list)
    candidates: int = 0
    """Semantic candidate pairs examined (beyond the modality test)."""
    judged: list[tuple[Clause, Clause, JudgeVerdict]] = field(default_factory=list)
    """Every candidate the judge was asked about, with its verdict and reason, the pairs it
    found no conflict in included (they leave no finding)."""
    calibration: JudgeCalibration | None = None
    """The judge's agreement with the labelled pairs of `[conflicts] calibration` (None: no
    judge was asked, or no labelled pairs were named)."""
    semantic_missing: list[str] = field(default_factory=list)
    """Modules of the `embeddings` extra that were missing, so the semantic search was left
    out although `[conflicts] semantic = true` asked for it (empty: it ran, or was not asked)."""


def clause_statements(
    clauses: list[Clause], terms: dict[str | None, dict[str, list[str]]] | None = None
) -> list[Statement]:
    """The statements of every clause; a sentence that several clauses tag is read once. With
    `terms` (a module's defined terms and what each stands for), a clause that uses a defined
    term is also read with each member of its definition in the term's place."""
    found: list[Statement] = []
    read: dict[tuple[str, str | None], list[Statement]] = {}
    for index, clause in enumerate(clauses):
        key = (clause.text, clause.module)
        if key not in read:
            texts = [clause.text, *substituted(clause.text, (terms or {}).get(clause.module, {}))]
            read[key] = [item for text in texts for item in _statements(text)]
        found.extend(replace(statement, clause=index) for statement in read[key])
    return found


_STATEMENTS: Memo[str, tuple[Statement, ...]] = Memo(16384)
"""The statements of each clause text read lately: a spec checked again after an edit reads
only the changed clauses again."""


def _statements(text: str) -> tuple[Statement, ...]:
    found = _STATEMENTS.get(text)
    return found if found is not None else _STATEMENTS.put(text, tuple(statements(text)))


def _ancestors(spec: Spec, alias: str) -> set[str]:
    """Aliases of the modules that import `alias`, directly or not ("" is the project)."""
    parents = {m.alias: m.imported_by for m in spec.modules}
    found: set[str] = set()
    current = parents.get(alias)
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def _order(a: Clause, b: Clause) -> tuple[Clause, Clause]:
    """(higher authority, lower authority); source order when equal."""
    if effective_authority(b).outranks(effective_authority(a)):
        return b, a
    return a, b


def _proposal(spec: Spec, high: Clause, low: Clause) -> str:
    ha, la = effective_authority(high), effective_authority(low)
    if ha != la:
        return (
            f"precedence by authority: `{high.id}` ({ha.value}) wins over `{low.id}` "
            f"({la.value}); record that under [[resolutions]] in charter.toml, or rewrite "
            f"`{low.id}`"
        )
    module = low.module or "the project"
    return (
        f"same authority ({ha.value}), so nothing decides: add `- {{clause: {high.id}, by: "
        f"{low.id.split(':')[-1]}, why: ...}}` to `overrides:` of {module}, record a decision "
        "under [[resolutions]], or rewrite one of them"
    )


def classify(spec: Spec, a: Clause, b: Clause, evidence: str) -> Conflict:
    """What a contradiction between `a` and `b` means under the chain of command."""
    high, low = _order(a, b)
    if effective_authority(low) is Authority.GUIDELINE and (
        (high.module or "") in _ancestors(spec, low.module or "")
    ):
        return Conflict(
            high,
            low,
            IMPLICIT,
            evidence,
            f"guideline `{low.id}` gives way to `{high.id}` of the module that imports it",
        )
    return Conflict(high, low, CONFLICT, evidence, _proposal(spec, high, low))


def _semantic_pairs(
    clauses: list[Clause], settings: ConflictSettings, known: set[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    from charter.conflict._semantic import candidate_pairs, embed

    vectors = embed([clause.text for clause in clauses])
    found = []
    for i, j, score in candidate_pairs(vectors, settings.threshold):
        if (i, j) in known or clauses[i].id == clauses[j].id:
            continue
        if _same_words(clauses[i], clauses[j]):
            continue
        first, second = statements(clauses[i].text, i), statements(clauses[j].text, j)
        if _only_prohibitions(first + second) or decided(first, second, settings.similarity):
            continue
        found.append((i, j, f"embedding similarity {score:.2f}"))
    return found


def _same_words(first: Clause, second: Clause) -> bool:
    """Two tags on one sentence (`...must log it[^a] and must not show it[^b].`) carry the same
    text; a sentence does not contradict itself, nor does a word-for-word restatement."""
    return " ".join(first.text.split()) == " ".join(second.text.split())


def _only_prohibitions(items: list[Statement]) -> bool:
    """Prohibitions can always be obeyed together, by not acting: no judge is needed."""
    return bool(items) and all(item.polarity < 0 for item in items)


def find_conflicts(
    spec: Spec, settings: ConflictSettings, resolutions: Resolutions
) -> ConflictReport:
    """Modality conflicts, then (when configured) embedding candidates adjudicated by the judge
    or reported as possible; minus overridden pairs; resolved ones are set aside."""
    report = ConflictReport()
    clauses = [clause for clause in spec.clauses if clause.normative]
    overridden = evaluate_overrides(spec).pairs() if spec.modules else set()
    found: list[Conflict] = []
    known: set[tuple[int, int]] = set()
    items = clause_statements(clauses, definitions(spec))
    for first, second, reason in quantity_conflicts(items):
        known.add((first.clause, second.clause))
        a, b = clauses[first.clause], clauses[second.clause]
        found.append(_witnessed(classify(spec, a, b, f"amounts clash: {reason}"), first, second))
    modality = opposite_modality(items, settings.similarity)
    for match in [*modality, *contained_opposites(items)]:
        if (match.first.clause, match.second.clause) in known:
            continue
        a, b = clauses[match.first.clause], clauses[match.second.clause]
        known.add((match.first.clause, match.second.clause))
        evidence = (
            f"opposite modality on the same subject: `{match.first.modal}` vs "
            f"`{match.second.modal}` (similarity {match.similarity:.2f})"
            if match.similarity >= settings.similarity
            else f"opposite modality: `{match.first.modal}` forbids or requires an act the "
            f"other's `{match.second.modal}` names with all its words"
        )
        found.append(_witnessed(classify(spec, a, b, evidence), match.first, match.second))
    if settings.semantic:
        from charter.conflict._semantic import embeddings_missing

        report.semantic_missing = embeddings_missing()
    pairs: list[tuple[int, int, str]] = []
    if settings.semantic and not report.semantic_missing:
        pairs = _semantic_pairs(clauses, settings, known)
    if settings.judge is not None:
        pairs += _near_pairs(items, settings, known)
    pairs = [p for p in pairs if frozenset((clauses[p[0]].id, clauses[p[1]].id)) not in overridden]
    report.candidates = len(pairs)
    if pairs:
        found.extend(_adjudicate(spec, clauses, pairs, settings, report))
    for conflict in found:
        if conflict.ids in overridden:
            continue
        decision = resolutions.find(conflict.first.id, conflict.second.id)
        if decision is not None:
            report.resolved.append((conflict, decision))
        else:
            report.conflicts.append(conflict)
    return report


def _witnessed(conflict: Conflict, first: Statement, second: Statement) -> Conflict:
    """`conflict` with its witness, and the witness's user turn named in the proposal."""
    proof = witness(conflict.first, conflict.second, first, second)
    proposal = f"{conflict.proposal}; to test it, send: {proof.user!r} ({proof.path})"
    return replace(conflict, witness=proof, proposal=proposal)


def _near_pairs(
    items: list[Statement], settings: ConflictSettings, known: set[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Opposite modality whose acts are alike, but less than the similarity that decides: the
    deterministic pass cannot tell, so with a judge configured the judge is asked."""
    lower = max(settings.similarity - NEAR_MARGIN, 0.05)
    found = []
    for match in opposite_modality(items, lower):
        key = (match.first.clause, match.second.clause)
        if key in known or match.similarity >= settings.similarity:
            continue
        known.add(key)
        found.append(
            (
                *key,
                f"opposite modality (`{match.first.modal}` vs `{match.second.modal}`) on acts "
                f"alike at {match.similarity:.2f}, below {settings.similarity:.2f}",
            )
        )
    return found


def _adjudicate(
    spec: Spec,
    clauses: list[Clause],
    pairs: list[tuple[int, int, str]],
    settings: ConflictSettings,
    report: ConflictReport,
) -> list[Conflict]:
    if settings.judge is None:
        return [
            Conflict(
                clauses[i],
                clauses[j],
                POSSIBLE,
                f"{why}; no judge is configured",
                "a judge model ([conflicts] judge) or a person must decide; record the decision "
                "under [[resolutions]]",
            )
            for i, j, why in pairs
        ]
    from charter._agreement import MIN_PRECEDENTS, RELIABLE_KAPPA
    from charter.conflict._calibration import load_pairs, measure
    from charter.conflict._judge import adjudicate
    from charter.conflict._verdict_cache import VerdictCache

    root = Path(spec.root)
    labelled = load_pairs(root, settings.calibration) if settings.calibration else []
    questions = [(clauses[i].text, clauses[j].text) for i, j, _ in pairs]
    cache = VerdictCache.for_project(root)
    try:
        verdicts = adjudicate(
            settings.judge,
            questions + [(p.first, p.second) for p in labelled],
            settings.judge_options,
            cache,
        )
    finally:
        cache.close()
    verdicts, calibrated = verdicts[: len(pairs)], verdicts[len(pairs) :]
    if settings.calibration:
        report.calibration = measure(settings.judge, settings.calibration, labelled, calibrated)
    trust = report.calibration
    standing = "not calibrated" if trust is None else trust.summary()
    found = []
    for (i, j, why), verdict in zip(pairs, verdicts, strict=True):
        report.judged.append((clauses[i], clauses[j], verdict))
        said = f"judge {verdict.judge} ({standing})"
        if verdict.conflict is not None and trust is not None and not trust.reliable:
            found.append(
                Conflict(
                    clauses[i],
                    clauses[j],
                    POSSIBLE,
                    f"{why}; {said} says {'' if verdict.conflict else 'no '}conflict: "
                    f"{verdict.reason}; an unreliable judge does not decide (it needs kappa >= "
                    f"{RELIABLE_KAPPA} on at least {MIN_PRECEDENTS} labelled pairs)",
                    "a person must decide; record the decision under [[resolutions]], or "
                    "improve the judge until its calibration is reliable",
                )
            )
        elif verdict.conflict is True:
            found.append(classify(spec, clauses[i], clauses[j], f"{said}: {verdict.reason}"))
        elif verdict.conflict is None:
            found.append(
                Conflict(
                    clauses[i],
                    clauses[j],
                    POSSIBLE,
                    f"{why}; could not be adjudicated by {verdict.judge}: {verdict.reason}",
                    "a person must decide; record the decision under [[resolutions]]",
                )
            )
    return found
