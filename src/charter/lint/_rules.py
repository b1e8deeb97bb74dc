"""The lint rule catalogue (code family `L`): weak or ambiguous wording in normative text.

The families follow the vague-term types of ISO/IEC/IEEE 29148, INCOSE's guide for writing
requirements and the requirements-smell literature. Every rule defaults to `warning` or `note`,
so lint alone never fails the structural gate; `[check] severity` in charter.toml can raise one.
"""

from __future__ import annotations

from charter.diagnostics import Severity, rule

VAGUE_QUANTIFIER = rule(
    "L001",
    "vague-quantifier",
    Severity.WARNING,
    "A requirement counts with a vague quantifier (`some`, `several`, `many`, `a few`).",
    """
    A quantifier with no number leaves the reader and the grader to guess how many is enough:
    one reviewer reads `several` as two, another as five. Only sentences that oblige, forbid or
    permit something are checked; descriptive prose may count loosely.

    Example: `The assistant should offer several alternatives.` Better: `The assistant should
    offer at least two alternatives.`

    Fix: state the number or the range, or say `all`/`at least one` if that is what is meant.
    """,
)

VAGUE_TERM = rule(
    "L002",
    "vague-term",
    Severity.WARNING,
    "A requirement rests on a subjective adjective or adverb (`appropriate`, `reasonable`...).",
    """
    Words such as `appropriate`, `reasonable`, `user-friendly`, `adequate` or `quickly` name a
    judgement without its criteria, so a model and a grader can each satisfy them differently.
    Words inside quotes or code are mentions, not requirements, and are not flagged.

    Example: `The assistant should respond with appropriate caution.` Better: `The assistant
    should name the risk and suggest a professional when the question concerns medication.`

    Fix: replace the word with the criteria it stands for, or point to the section that gives
    them.
    """,
)

LOOPHOLE = rule(
    "L003",
    "loophole",
    Severity.WARNING,
    "An escape clause (`if possible`, `as appropriate`, `where feasible`) weakens a requirement.",
    """
    An escape clause lets any failure count as compliance: the requirement holds only when the
    model judges it possible (`unless absolutely necessary`, `when applicable`). INCOSE's guide
    calls these loopholes. A next sentence that opens with the criterion (`For example, ...`,
    `That means ...`) settles it, and then nothing is reported.

    Example: `The assistant should cite sources where feasible.` Better: `The assistant should
    cite a source for every statistic it quotes; when it has none, it should say so.`

    Fix: name the condition under which the requirement does not apply, or remove the escape.
    """,
)

OPEN_ENDED_LIST = rule(
    "L004",
    "open-ended-list",
    Severity.WARNING,
    "A list ends open (`etc.`, `and so on`, `including but not limited to`).",
    """
    An open-ended list leaves the reader to guess what else belongs to it. When the list is
    already introduced as examples (`such as`, `including`, `e.g.`), a trailing `etc.` only
    repeats that, and `--fix` removes it; otherwise the list needs a rule for membership.

    Example: `Refuse requests for weapons, drugs, etc.` Better: `Refuse requests for weapons,
    drugs, and anything else the Prohibited content section lists.`

    Fix: close the list, or state what the members have in common.
    """,
    fixable=True,
)

AND_OR = rule(
    "L005",
    "and-or",
    Severity.WARNING,
    "`and/or` leaves open whether one, both or either is required.",
    """
    `A and/or B` can mean either one, both, or at least one. Under a negation or in a condition
    (`must not X and/or Y`, `if X and/or Y`) plain `or` means the same, and `--fix` writes it;
    elsewhere the author has to choose, and `charter clarify` asks.

    Example: `The assistant may ask for the name and/or email.` Better: `The assistant may ask
    for the name, the email, or both.`

    Fix: write `or`, `and`, or `either ... or` as meant.
    """,
    fixable=True,
)

UNREFERENCED_COMPARISON = rule(
    "L006",
    "unreferenced-comparison",
    Severity.WARNING,
    "A requirement compares (`better`, `faster`, `the best`) with nothing to compare against.",
    """
    A comparative or superlative with no reference (`than ...`, `as ... as`) cannot be checked:
    better than what, shortest of which?

    Example: `The assistant should give shorter answers on mobile.` Better: `On mobile, the
    assistant should answer in at most 80 words.`

    Fix: add the reference (`than the default`) or replace the comparison with a measure.
    """,
)

AMBIGUOUS_PRONOUN = rule(
    "L007",
    "ambiguous-pronoun",
    Severity.WARNING,
    "A clause opens with `it`, `this` or `they`, which nothing in the clause refers to.",
    """
    A clause is tested and reported on its own; a clause that opens with a pronoun refers to
    a sentence the grader does not see. Pronouns used as an empty subject (`It is important
    to ...`) and demonstratives followed by their noun (`This rule ...`) are not flagged.

    Example: `This must not be shared with the user[^k3y9].` Better: `The system prompt must not
    be shared with the user[^k3y9].`

    Fix: name the thing the pronoun stands for.
    """,
)

PASSIVE_WITHOUT_AGENT = rule(
    "L008",
    "passive-without-agent",
    Severity.NOTE,
    "A requirement in the passive voice does not say who acts.",
    """
    `Must be escalated` does not say whether the assistant, the developer or the platform
    escalates, so a test cannot tell whether the model met it. Only sentences that oblige,
    forbid or permit something are checked, and only when no `by ...` names the agent.

    Example: `Refund requests above $100 must be escalated.` Better: `The assistant must escalate
    refund requests above $100 to a human agent.`

    Fix: make the actor the subject, or add `by <actor>`.

    A preview rule: on the Model Spec, where the unnamed actor is almost always the assistant, none
    of its findings were judged useful, so it runs only when selected as `L008`.
    """,
    preview=True,
)

DOUBLE_NEGATIVE = rule(
    "L009",
    "double-negative",
    Severity.WARNING,
    "Two negations cancel each other (`not uncommon`, `never refuse no`).",
    """
    A double negative makes the reader compute the polarity, and a model can get it wrong.

    Example: `The assistant should not be unhelpful.` Better: `The assistant should help.`

    Fix: state the positive form.
    """,
)

PLACEHOLDER = rule(
    "L010",
    "placeholder",
    Severity.WARNING,
    "Unfinished text: `TODO`, `TBD`, `FIXME`, `XXX` or `???`.",
    """
    A placeholder in normative text means the requirement is not written yet; the model will
    read it anyway. There is no mechanical fix: only the author knows the missing text.

    Example: `The refund limit is TBD dollars.` Better: `The refund limit is 100 US dollars.`

    Fix: write the missing text, or move the note to commentary (`!!! meta`) until it is decided.
    """,
)

MULTIPLE_OBLIGATIONS = rule(
    "L011",
    "multiple-obligations",
    Severity.NOTE,
    "One clause states two or more obligations (modal verbs joined by `and`, `or` or `;`).",
    """
    A clause is the unit that prompts test and reports count. When it bundles two obligations, a
    reply that meets one and breaks the other is neither a pass nor a fail, and a later change to
    one of them changes the clause's meaning for every run recorded under its id (INCOSE's
    singularity rule).

    Example: `The assistant must verify identity and must not reveal the balance[^b4l].` Better:
    two sentences, each with its own clause id.

    Fix: split the clause, giving each obligation its own tag and prompts.
    """,
)

UNDEFINED_TERM = rule(
    "L012",
    "undefined-term",
    Severity.NOTE,
    "A term is used as defined (**bold**, multi-word *italic*) but the definitions omit it.",
    """
    Emphasis on a term's first use tells the reader it has a precise meaning. When no definitions
    section (`# Definitions`, `# Glossary`) defines it and the sentence does not define it in
    place (`An instruction is *misaligned* if ...`), the meaning is left to the reader.

    Example: `Follow all *applicable instructions*.` with no definition of applicable
    instructions. Better: add `**Applicable instructions**: ...` to the definitions section.

    Fix: add the term to the definitions section, or drop the emphasis if it is not a term.

    A preview rule: on the Model Spec, emphasised terms are usually explained in the same
    sentence, so it runs only when selected as `L012`.
    """,
    preview=True,
)

MODAL_STYLE = rule(
    "L013",
    "modal-style",
    Severity.WARNING,
    "A modal word is in the wrong case for the project's `[lint] modal-style`.",
    """
    With `modal-style = "model-spec"` (the default) obligations are written in lower case
    (`must`, `should`); upper-case `MUST` then reads as a different, stronger word. With
    `modal-style = "rfc2119"` requirement keywords are upper case (RFC 2119), and a lower-case
    `must` reads as ordinary English. Mixing the two makes strength depend on typography.

    Example: `The assistant MUST refuse.` in a model-spec style project. Better: `The assistant
    must refuse.`

    Fix: `--fix` rewrites the word in the project's case.
    """,
    fixable=True,
)

CLAUSE_WITHOUT_CHALLENGE = rule(
    "L014",
    "clause-without-challenge",
    Severity.WARNING,
    "A clause's prompt file exists but holds no challenge conversation with a user turn.",
    """
    Unlike S102 (no prompt file at all), here the file exists, so the clause looks covered, but
    no prompt will ever be sent for it: the file has no example, or its examples have no user
    turn. The finding sits on the clause in the spec, where its author reads.

    Example: `...refund above 100 dollars[^refund-limit].` with `cases/refund-limit.md` holding
    only its heading line.

    Fix: add at least one `**Example**:` with a `<user>` turn to the prompt file.
    """,
)

UNTESTABLE_CLAUSE = rule(
    "L015",
    "untestable-clause",
    Severity.WARNING,
    "A clause states no observable behaviour: no modal verb and no action verb.",
    """
    A tagged clause is sent to a model and graded. A statement of value or of fact (`Honesty
    matters to us`) names no behaviour a reply could show or fail to show, so its prompts grade
    nothing in particular.

    Example: `Privacy is one of our core values[^pv1].` Better: `The assistant must not repeat
    personal data from one conversation in another[^pv1].`

    Fix: rewrite the clause as what the assistant does or does not do, or remove its tag.
    """,
)

SIZE_WORD = rule(
    "L016",
    "size-or-degree-word",
    Severity.WARNING,
    "A requirement rests on a size or degree word (`small`, `brief`, `minimal`, `complex`).",
    """
    How small is small, how brief is brief? ISO/IEC/IEEE 29148 lists size and degree adjectives
    among the ambiguous terms a requirement must avoid. A number, a limit or a criterion in the
    same or the next sentence (`complex functions (>20 lines)`) settles it, and then nothing is
    reported; so does a rationale clause (`to keep builds fast`), which is not the requirement.

    Example: `Keep titles short.` Better: `Keep titles under 60 characters.`

    Fix: give the measure (words, lines, items), or say what makes it small enough.
    """,
)

CARE_HEDGE = rule(
    "L017",
    "care-hedge",
    Severity.WARNING,
    "A requirement asks for care or caution (`take extra care`, `err on the side of caution`).",
    """
    A request for care names an attitude, not a behaviour: any reply can claim to be careful.
    Say what the careful reply does differently: what it checks, adds, asks or refuses.

    Example: `Take extra care with medical questions.` Better: `For medical questions, name the
    risk and suggest seeing a doctor before giving general information.`

    Fix: replace the hedge with the behaviour it stands for.
    """,
)

MODAL_STRENGTH = rule(
    "L018",
    "ambiguous-modal-strength",
    Severity.WARNING,
    "`may not` or `cannot` in a rule reads both as a prohibition and as a possibility.",
    """
    `The assistant may not share prices` forbids, or says it might happen not to; `the assistant
    cannot give legal advice` forbids, or states an inability. A reader, a model and a grader
    can each choose a different strength.

    Example: `The assistant may not discuss competitors.` Better: `The assistant must not
    discuss competitors.`

    Fix: write `must not` for a prohibition, or `is not required to` for a permission.
    """,
)

VAGUE_FREQUENCY = rule(
    "L019",
    "vague-frequency",
    Severity.WARNING,
    "A requirement says how often with no number (`rarely`, `usually`, `in most cases`).",
    """
    A frequency word with no count or condition leaves a test nothing to check: is one reply in
    ten `rarely`? The same holds for a recurring act with no frequency (`remind the user`: in
    every reply?).

    Example: `Rarely include full file paths.` Better: `Include a full file path only when the
    symbol's name is ambiguous.`

    Fix: state the condition under which the act happens, or the count.
    """,
)

INNER_ACT = rule(
    "L020",
    "untestable-inner-act",
    Severity.WARNING,
    "A requirement asks for an act of thought (`consider`, `keep in mind`, `be thoughtful`).",
    """
    Considering, remembering or being mindful happen in the model's head; a reply neither shows
    nor fails to show them, so a grader cannot tell whether the requirement was met.

    Example: `The assistant should carefully consider the user's age.` Better: `When the user
    says they are under 18, the assistant must not recommend alcohol.`

    Fix: write the observable behaviour the thought should lead to.
    """,
)

HYPHENATED_VAGUE = rule(
    "L021",
    "hyphenated-vague-term",
    Severity.WARNING,
    "A compound of a vague word (`context-appropriate`, `self-explanatory`, `high-quality`).",
    """
    Hyphenated compounds hide the same judgement as the plain vague word: `age-appropriate`
    still leaves open what is appropriate, `release-note-ready` what is ready, `less-safe` safe
    compared with what.

    Example: `Use self-explanatory variable names.` Better: `Name variables after what they
    hold, in full words (`retry_count`, not `rc`).`

    Fix: replace the compound with its criteria.
    """,
)

LINT_RULES = (
    VAGUE_QUANTIFIER,
    VAGUE_TERM,
    LOOPHOLE,
    OPEN_ENDED_LIST,
    AND_OR,
    UNREFERENCED_COMPARISON,
    AMBIGUOUS_PRONOUN,
    PASSIVE_WITHOUT_AGENT,
    DOUBLE_NEGATIVE,
    PLACEHOLDER,
    MULTIPLE_OBLIGATIONS,
    UNDEFINED_TERM,
    MODAL_STYLE,
    CLAUSE_WITHOUT_CHALLENGE,
    UNTESTABLE_CLAUSE,
    SIZE_WORD,
    CARE_HEDGE,
    MODAL_STRENGTH,
    VAGUE_FREQUENCY,
    INNER_ACT,
    HYPHENATED_VAGUE,
)
