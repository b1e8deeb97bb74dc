"""Word lists the phrase rules match, kept apart from the matching logic."""

from __future__ import annotations


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


QUANTIFIERS = (
    "some",
    "several",
    "many",
    "a few",
    "few",
    "various",
    "numerous",
    "a number of",
    "a lot of",
    "lots of",
    "a couple of",
    "plenty of",
    "a handful of",
)

VAGUE_TERMS = (
    "appropriate",
    "appropriately",
    "inappropriate",
    "inappropriately",
    "reasonable",
    "reasonably",
    "unreasonable",
    "user-friendly",
    "easy",
    "easily",
    "quick",
    "quickly",
    "promptly",
    "adequate",
    "adequately",
    "sufficient",
    "sufficiently",
    "insufficient",
    "suitable",
    "suitably",
    "properly",
    "significant",
    "significantly",
    "substantial",
    "substantially",
    "excessive",
    "excessively",
    "unnecessary",
    "unnecessarily",
    "undue",
    "unduly",
    "overly",
    "efficient",
    "efficiently",
    "effectively",
    "robust",
    "seamless",
    "seamlessly",
    "intuitive",
    "intuitively",
    "optimal",
    "optimally",
    "acceptable",
    "unacceptable",
    "sensible",
    "sensibly",
    "judicious",
    "judiciously",
    "meaningful",
    "meaningfully",
    "timely",
    "as soon as possible",
    "clear",
    "clearly",
    "obvious",
    "obviously",
    "stable",
    "powerful",
    "notable",
    "descriptive",
    "strictly required",
    "strictly necessary",
    "ad hoc",
    "proper",
    "similar",
    "compact",
    "the right",
)

LOOPHOLES = (
    "if possible",
    "where possible",
    "whenever possible",
    "when possible",
    "if at all possible",
    "as far as possible",
    "to the extent possible",
    "as much as possible",
    "as best it can",
    "if feasible",
    "where feasible",
    "when feasible",
    "whenever feasible",
    "as appropriate",
    "where appropriate",
    "when appropriate",
    "if appropriate",
    "as needed",
    "if needed",
    "when needed",
    "where needed",
    "as necessary",
    "if necessary",
    "when necessary",
    "where necessary",
    "as applicable",
    "if applicable",
    "where applicable",
    "when applicable",
    "whenever applicable",
    "unless absolutely necessary",
    "unless strictly necessary",
    "unless really necessary",
    "unless necessary",
    "unless needed",
    "if practical",
    "where practical",
    "when practical",
    "if practicable",
    "where practicable",
    "try to",
    "tries to",
    "strive to",
    "strives to",
    "attempt to",
    "attempts to",
    "aim to",
    "aims to",
    "ideally",
    "if you can",
    "where it makes sense",
    "when it makes sense",
    "if it makes sense",
)

OPEN_LISTS = (
    "etc.",
    "etc",
    "and so on",
    "and so forth",
    "including but not limited to",
    "including, but not limited to,",
    "among others",
    "and the like",
    "or the like",
)

#: Words that, right before a list, already say it gives examples: a trailing `etc.` adds nothing.
EXAMPLE_MARKERS = ("such as", "including", "e.g.", "e.g.,", "for example", "for instance", "like")

COMPARATIVES = (
    "better",
    "worse",
    "faster",
    "slower",
    "shorter",
    "longer",
    "simpler",
    "easier",
    "harder",
    "safer",
    "clearer",
    "higher",
    "lower",
    "greater",
    "smaller",
    "larger",
    "cleaner",
    "tighter",
    "wider",
    "narrower",
    "stronger",
    "weaker",
    "best",
    "worst",
    "fastest",
    "slowest",
    "shortest",
    "simplest",
    "safest",
    "clearest",
)

#: Endings of adjectives and adverbs after `more`, `less`, `most` and `least`.
ADJECTIVE_ENDINGS = (
    "ful",
    "ive",
    "able",
    "ible",
    "ous",
    "ant",
    "ent",
    "al",
    "ic",
    "ly",
    "ed",
    "ing",
    "ise",
    "ize",
    "ar",
    "ary",
)

IRREGULAR_PARTICIPLES = (
    "given",
    "taken",
    "shown",
    "known",
    "written",
    "made",
    "done",
    "seen",
    "told",
    "held",
    "kept",
    "sent",
    "shared",
    "set",
    "built",
    "chosen",
    "forbidden",
    "broken",
    "hidden",
    "found",
    "paid",
    "left",
    "brought",
    "thought",
    "sold",
    "spoken",
    "withheld",
    "overridden",
    "run",
    "put",
    "read",
    "meant",
    "drawn",
    "driven",
    "understood",
)

#: Participles that after `be` describe a state or take their subject as the actor.
STATIVE_PARTICIPLES = frozenset(
    {
        "based",
        "related",
        "intended",
        "supposed",
        "interested",
        "concerned",
        "involved",
        "located",
        "associated",
        "inclined",
        "tasked",
        "designed",
        "aligned",
        "equipped",
        "committed",
        "dedicated",
        "entitled",
        "convinced",
        "satisfied",
        "pleased",
        "prepared",
        "unable",
        "limited",
        "composed",
        "engaged",
        "focused",
        "confused",
        "qualified",
        "biased",
        "tired",
        "worried",
        "excited",
        "surprised",
        "unqualified",
        "phrased",
        "framed",
        "worded",
        "need",
        "speed",
        "feed",
        "seed",
        "bed",
        "red",
        "shed",
        "hundred",
    }
)

ACTION_VERBS = _split(
    """
    answer respond reply refuse decline comply follow provide give offer say tell ask explain write
    produce generate include avoid use share reveal disclose repeat mention state cite recommend
    suggest encourage help assist warn escalate hand transfer redirect point treat assume consider
    prioritize prioritise override adhere obey keep maintain end begin start stop continue
    acknowledge apologize apologise express present describe summarize summarise translate adapt
    adjust tailor match engage support protect prevent promote flag report verify confirm check
    seek clarify call search browse execute act take make do send open close show display output
    return request inform notify admit disagree correct deny claim promise pretend reference quote
    speak talk discuss advise assess evaluate respect defer honor honour uphold ignore reject
    accept allow permit forbid block filter redact mask withhold hide expose request draft format
    reply replies greet thank praise flatter push challenge question interpret infer judge refrain
    reuse guard surface propose minimize minimise
    """
)

#: `it` and `its` are left out: in a spec of an assistant they read as the assistant.
PRONOUN_OPENERS = ("this", "that", "these", "those", "they", "their")

#: Verbs and modals that, right after `this`/`that`/`these`/`those`, show it is a pronoun.
PRONOUN_VERBS = _split(
    """
    is are was were means mean includes include applies apply can could may might must should will
    would does do has have also holds hold helps help makes make covers cover requires require
    shall needs need"""
)

EMPHASIS_WORDS = _split(
    """
    not never must should may do does did only all any always no and or is are be the a an
    very really both either neither each every none nothing one more most less least
    """
)

#: Irregular forms of action verbs (`overridden`, `told`...).
IRREGULAR_ACTIONS = _split(
    """
    overridden overrode gave given took taken wrote written did done made said told sent shown
    kept held followed spoke spoken chose chosen hid hidden withheld began begun
    """
)


#: Words that open an imperative sentence whatever follows them.
IMPERATIVE_OPENERS = _split(
    """
    never always don't do avoid prefer please ensure make use keep let be
    """
)

#: Base-form verbs that open imperative instructions (`Run the tests`, `Wrap names in backticks`).
#: A sentence that opens with one of them and goes on with a finite verb (`Check lists are ...`)
#: reads as a noun subject instead.
IMPERATIVE_VERBS = ACTION_VERBS | _split(
    """
    add remove install run update regenerate validate expose set implement derive annotate
    create extend skip lead document focus attempt try get see feel have channel collapse inline
    combine pick choose rely hold trust pin mix invoke justify save spawn locate assert import
    review accept perform build mark wrap look edit change bump refresh encode suppress read fill
    submit push quote refactor introduce inject mutate pass fix test label name limit list place
    put move copy rename delete drop split merge trigger monitor chain compute prefix indent wrap
    collect store log record cache load reload retry sort group define declare mirror note think
    remember reflect strive aim favour favor lean err exercise leave install rebase squash commit
    approve reject tag link bring update upgrade downgrade configure enable disable turn
    """
)

#: Size and degree words (ISO/IEC/IEEE 29148: ambiguous adjectives and adverbs of size).
SIZE_WORDS = (
    "small",
    "large",
    "big",
    "huge",
    "tiny",
    "minimal",
    "minimally",
    "broad",
    "broadly",
    "major",
    "minor",
    "brief",
    "briefly",
    "short",
    "long",
    "lengthy",
    "simple",
    "complex",
    "concise",
    "concisely",
    "extensive",
    "extensively",
    "significant amounts of",
    "a little",
    "a lot",
    "smallest",
    "largest",
    "heavy",
    "sweeping",
)

#: Hedges that ask for care without saying what careful behaviour is.
CARE_HEDGES = (
    "err on the side of caution",
    "erring on the side of caution",
    "take care",
    "take extra care",
    "take special care",
    "take great care",
    "take particular care",
    "be careful",
    "be extra careful",
    "be especially careful",
    "exercise caution",
    "use caution",
    "with care",
    "with caution",
    "careful",
    "carefully",
    "cautiously",
)

#: Frequency words with no number (ISO/IEC/IEEE 29148: non-verifiable terms).
FREQUENCY_WORDS = (
    "rarely",
    "seldom",
    "occasionally",
    "sometimes",
    "often",
    "frequently",
    "usually",
    "typically",
    "normally",
    "generally",
    "periodically",
    "regularly",
    "from time to time",
    "every so often",
    "now and then",
    "in most cases",
    "in some cases",
    "most of the time",
)

#: Acts that happen in the actor's head: a reply cannot show whether they were done.
INNER_ACTS = (
    "consider",
    "think about",
    "keep in mind",
    "bear in mind",
    "be mindful of",
    "be aware of",
    "be aware that",
    "remember that",
    "reflect on",
    "appreciate",
    "care about",
    "be thoughtful",
    "be deliberate",
    "strive",
)
