"""Rules for conflicts between clauses (C2xx)."""

from __future__ import annotations

from charter.diagnostics import Severity, rule

CONFLICT = rule(
    "C201",
    "conflicting-clauses",
    Severity.ERROR,
    "Two clauses contradict each other and nothing in the chain of command settles it.",
    """
    Two clauses about the same subject and action demand opposite things (must vs must not,
    always vs never, required vs forbidden), or a judge model found that no reply can follow
    both. It is an error when both have the same authority, or when the lower one contradicts a
    higher one without a legal override: the model would have to guess.

    Example: support's `The assistant must give a delivery date` and legal's `The assistant must
    not promise a delivery date`.

    Fix: follow the proposal in the finding: record precedence by authority under
    `[[resolutions]]` in charter.toml (clauses, decision, by), declare an explicit override, or
    rewrite one clause.
    """,
)

POSSIBLE_CONFLICT = rule(
    "C202",
    "possible-conflict",
    Severity.NOTE,
    "Two clauses read alike and may conflict; a judge model or a person must decide.",
    """
    Sentence embeddings put the two clauses close together, or (with a judge configured) they
    have opposite modality on acts alike but not alike enough to decide, and the modality test
    does not confirm a contradiction; no judge model is configured, it gave no usable verdict,
    or its calibration on labelled pairs is too weak for its verdict to decide. Similarity cannot
    tell a contradiction from a restatement, so Charter reports the pair for review; `charter
    publish` refuses until it is judged or resolved.

    Example: `Replies must stay under 80 words` and `Replies must walk through every step of
    the fix`.

    Fix: read both; record a decision under `[[resolutions]]`, or set `[conflicts] judge =
    "openai:gpt-4o"` to have a judge adjudicate such pairs.
    """,
)

IMPLICIT_OVERRIDE = rule(
    "C203",
    "implicit-override",
    Severity.NOTE,
    "A guideline of an imported module is contradicted by a clause of a module that imports it.",
    """
    Guidelines are defaults: a clause of the importing module on the same subject wins without an
    explicit override. Charter notes it so the owners of the guideline know it does not apply.

    Example: brand's guideline `Replies should use exclamation marks` and the product's `Replies
    must not use exclamation marks`.

    Fix: nothing is required; record it under `[[resolutions]]` to silence the note.
    """,
)

BAD_RESOLUTION = rule(
    "C204",
    "bad-resolution",
    Severity.ERROR,
    "A `[[resolutions]]` entry is malformed or names clauses that do not exist.",
    """
    Each resolution names the two clauses of a conflict, the decision and who decided, so that
    the conflict stops firing and the decision can be audited.

    Example: `[[resolutions]]` with `clauses = ["legal:no-dates"]` (one clause) or without `by`.

    Fix: write `clauses = ["a", "b"]`, `decision = "..."` and `by = "name"`; use the ids that
    `charter check` printed.
    """,
)

SEMANTIC_SEARCH_SKIPPED = rule(
    "C205",
    "semantic-search-skipped",
    Severity.NOTE,
    "`[conflicts] semantic = true`, and the embeddings it needs are not installed.",
    """
    Semantic conflict search compares clauses by MiniLM sentence embeddings, which come with the
    `embeddings` extra (PyTorch on the CPU and the model). Without it, `charter check` and
    `charter publish` still run the modality test on every pair of clauses and say, with this
    note, that the embedding candidates were left out; nothing else changes.

    Example: a checkout installed with `pip install charter-spec` (no extras) and a project whose
    charter.toml has `semantic = true`.

    Fix: `pip install 'charter-spec[embeddings]'`, or set `semantic = false`.
    """,
)
