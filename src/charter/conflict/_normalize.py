"""Statements reduced to what conflict detection compares: polarity, subject, action, scope.

"When a customer asks, the assistant must not promise a delivery date" becomes polarity -1,
subject {assistant}, core {assistant, promise, deliver, date}, scope {user, ask}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from charter.conflict._lexicon import ACT_ANTONYMS, ANTONYMS, SYNONYMS
from charter.conflict._quantity import Quantity, find_quantity
from charter.text import sentence_bounds, straight_apostrophes

_MODAL = re.compile(
    r"\b(?P<neg>must not|mustn't|must never|should not|shouldn't|should never|shall not|"
    r"may not|may never|never|cannot|can't|can not|do not|don't|does not|doesn't|will not|"
    r"won't|is not allowed to|are not allowed to|is forbidden|are forbidden|forbidden|"
    r"prohibited)\b|\b(?P<only>(?:can|may)\s+only)\b|\b(?P<pos>must always|must|should always|"
    r"should|shall|always|is required to|are required to|required|recommended|may|"
    r"is allowed to|are allowed to|can)\b|\b(?P<requires>requires?)\b",
    re.IGNORECASE,
)
_AVOID = re.compile(
    r"^\s*(?:avoid|refrain from|decline to|refuse to|stop|skip|omit|bypass|forgo|waive|"
    r"neglect to|fail to|shy away from|hesitate to)\b",
    re.IGNORECASE,
)
_NOT_NEEDED = re.compile(r"\b(not required|not necessary|need not|needn't|not need to)\b", re.I)
_CONDITION_START = re.compile(
    r"^\s*(?:when|whenever|if|unless|while|during|in|on|for|after|before|once)\b", re.I
)
_SCOPE = re.compile(
    r"\b(?:when|whenever|if|unless|while|during|in|on|within|except|outside|inside|after|"
    r"before|once)\b",
    re.IGNORECASE,
)
_PIECES = re.compile(r";|\s[—–]\s|,\s*but\s|\bbut\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

_STOPWORD_TEXT = """a an the this that these those it its it's they them their theirs you your
    yours we our ours i me my he she his her him one ones is are be been being was were am do
    does did has
    have had having to of and or nor for with as at by from into onto about any all each every
    some such so than then there here which who whom whose what when where while if unless
    whenever not no never only also just very more most less least other another own same on in
    at go
    both either neither can could would will shall should must may might need needs please
    always ever yet still even already within without upon via per s t"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_SUBJECTS = frozenset({"assistant", "model", "chatbot", "bot", "agent"})
_SYNONYMS = {
    **SYNONYMS,
    "prefer": "use",
    "itself": "self",
    "yourself": "self",
    "themselves": "self",
}


def stem(word: str) -> str:
    """A light stemmer: plural, -ing, -ed, -ly and final -e go, so share/shares/sharing meet;
    synonyms fold to one word, looked up before and after stemming."""
    word = _SYNONYMS.get(word, word)
    folded = _raw_stem(word)
    return _STEMMED_SYNONYMS.get(folded, folded)


def _raw_stem(word: str) -> str:
    if word.endswith("ly") and len(word) > 5 and not word.endswith("ily"):
        word = word[:-2]
    derived = _derived(word)
    if derived is not None:
        return _raw_stem(_SYNONYMS.get(derived, derived))
    verb_in_ate = len(word) >= 6 and word.endswith(("ated", "ating", "ates")) and word[-5] != "t"
    for suffix, replacement in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    if verb_in_ate and word.endswith("at"):
        return _SYNONYMS.get(word[:-2], word[:-2])  # `authenticated` meets `authentication`
    if word.endswith("ate") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    if len(word) > 5 and word.endswith("ell"):
        word = word[:-1]  # `cancelled`, `travelling`
    return _SYNONYMS.get(word, word)


#: Nouns that look made from a verb but are not that verb's act (`information` is not `inform`).
_NOT_DERIVED = frozenset({"information", "informations", "nation", "station", "ration"})


def _derived(word: str) -> str | None:
    """The verb stem a nominalisation folds to (`modification` -> `modify`, `cancellation` ->
    `cancel`, `authentication` -> `authentic` like `authenticate`), or None."""
    if word in _NOT_DERIVED:
        return None
    if word.endswith(("ations", "itions")):
        word = word[:-1]
    if word.endswith("ification") and len(word) > 10:
        return word[:-9] + "ify"
    if word.endswith("ation") and len(word) > 7:
        base = word[:-5]
        return base[:-1] if base.endswith("ell") else base
    return None


_STEMMED_SYNONYMS = {_raw_stem(word): _raw_stem(head) for word, head in _SYNONYMS.items()}
_CASE_STYLE = re.compile(r"\b(snake|camel|kebab|pascal)[_ -]?case\b", re.IGNORECASE)
_CODE = re.compile(r"`+([^`\n]+?)`+")


def collapse_code(text: str) -> str:
    """Each code span as one word (`wait_for_event` -> waitforevent), so an identifier is one
    entity, its parts are neither stop words nor antonyms, and `except:` splits no scope."""
    return _CODE.sub(lambda m: re.sub(r"[^A-Za-z0-9]+", "", m.group(1)) or "code", text)


def tokens(text: str) -> list[str]:
    """Content words of `text`, stemmed, without stop words."""
    found = []
    for word in _WORD.findall(straight_apostrophes(collapse_code(text).lower())):
        word = word.split("'")[0]
        if word and word not in STOPWORDS and not word.isdigit():
            found.append(stem(word))
    return found


@dataclass(frozen=True, slots=True)
class Statement:
    """One modal statement of a clause."""

    clause: int
    """Index of the clause in the list the statements were made from."""
    text: str
    polarity: int
    """+1 for must/should/may/always, -1 for must not/never/forbidden."""
    modal: str
    subject: frozenset[str]
    core: frozenset[str]
    scope: frozenset[str]
    condition: frozenset[str] = frozenset()
    """Words of a leading condition (`In programmatic settings, ...`, `When asked, ...`)."""
    quantity: Quantity | None = None
    """The range a comparator and number state (`at most 20 lines`), if any."""
    permission: bool = False
    """True for `may`/`can` and `is allowed to`: the statement permits, it does not oblige."""
    negated_condition: bool = False
    """True when the leading condition is negative (`When the PR closes no issue, ...`)."""
    act: str = ""
    """The first content word of the action, folded (`skip authentication` -> `authentic`)."""
    context: frozenset[str] = frozenset()
    """Every content word of the piece the statement was read from (for a `without` act, the
    main act it goes with)."""
    modal_polarity: int = 0
    """The modal's own sign, before an antonym act folds it (`must unlock`: +1, polarity -1);
    0 when it is the same as `polarity`. An amount belongs to the act as written."""


def _pieces(text: str) -> list[str]:
    pieces: list[str] = []
    for start, end in sentence_bounds(text):
        pieces.extend(part for part in _PIECES.split(text[start:end]) if part.strip())
    return pieces


_RATIONALE = re.compile(
    r"(?:,\s*|\s+)(?:because|since|so\s+that|in\s+order\s+to|as\s+it|to\s+(?:avoid|keep|"
    r"make\s+sure|ensure|help|reduce))\b.*$|^\s*(?:because|since)\b[^,]*,\s*|"
    r"\s+for\s+(?:the\s+)?\w+\s+to\s+\w+.*$",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"^\s*(?:(?:always|never|not|also|only)\s+)*(?:be|get|been)\s+(?:\w+ly\s+)?"
    r"(?P<participle>[a-z]+(?:ed|en)|made|done|kept|held|shown|told|sent|set|built|put|run|read|"
    r"written|given|taken|shared|left)\b",
    re.IGNORECASE,
)
_WITHOUT = re.compile(r"\bwithout\s+(?P<act>\w+ing\b.*|(?:a|an|the|any)\s+\w+.*)$", re.IGNORECASE)
_INSTEAD = re.compile(r"\b(?:over|instead\s+of|rather\s+than)\s+(?P<other>.+)$", re.IGNORECASE)
_PRESENT = re.compile(
    r"^\W*(?:the\s+)?(?:assistant|agent|model|bot|chatbot)\s+(?P<verb>[a-z]+s)\b(?P<post>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_QUANTIFIED_PRESENT = re.compile(
    r"^(?P<pre>[^,;]*?)\s+(?P<verb>[a-z]+s)\s+(?=(?:exactly|at\s+"
    r"most|at\s+least|only|no\s+more\s+than)\b)",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r",\s*(?:and|or)\s+|,\s*|\s+(?:and|or)\s+", re.IGNORECASE)
#: Words just before an amount that make it say when the rule applies: `for costs over $200`,
#: `for oxygen saturation of 88% or more`, `if the total is above 50 dollars`.
_CONDITION_AMOUNT = re.compile(
    r"\b(?:for|when|if|whenever|once)\s+(?:[\w'-]+\s+){0,3}$", re.IGNORECASE
)
_NEGATIVE_CONDITION = re.compile(r"\b(?:no|not|never|without|none)\b|n't\b", re.IGNORECASE)
_PERMISSION = ("may", "is allowed to", "are allowed to", "can")
_MAX_VARIANTS = 8


def _act_antonym(word: str) -> str | None:
    """The head `word` folds to as an act (`stopping` -> `start`), or None."""
    for form in (word, word[:-1], word[:-2], word[:-3]):
        if form in ACT_ANTONYMS and (form == word or word[len(form) :] in ("s", "ed", "ing")):
            return ACT_ANTONYMS[form]
    return None


def signed_tokens(text: str, act: bool = False) -> tuple[list[str], int]:
    """Content words of `text` with antonyms folded (`disable` -> `enable`), and the sign the
    folding flips the statement's polarity by. With `act`, the first content word is the act
    and WordNet's verb antonyms fold it too."""
    found: list[str] = []
    sign = 1
    text = _CASE_STYLE.sub(lambda m: m.group(1).lower() + "case", collapse_code(text))
    for word in _WORD.findall(straight_apostrophes(text.lower())):
        word = word.split("'")[0]
        head = ANTONYMS.get(word)
        if head is None and act and not found and word not in STOPWORDS:
            head = _act_antonym(word)
        if head is not None:
            word = head
            sign = -sign
        if word and word not in STOPWORDS and not word.isdigit():
            found.append(stem(word))
    return found, sign


def list_variants(action: str) -> list[str]:
    """The action with a coordinated list (`invoke pip, poetry, or conda directly`) read one
    member at a time; just the action when it has no list."""
    parts = [part for part in _LIST_SPLIT.split(action) if part.strip()]
    if len(parts) < 2:
        return [action]
    first, last = parts[0].split(), parts[-1].split()
    if not first or not last:
        return [action]
    shared_head, shared_tail = " ".join(first[:-1]), " ".join(last[1:])
    items = [first[-1], *parts[1:-1], last[0]]
    variants = [action] + [f"{shared_head} {item} {shared_tail}" for item in items]
    return variants[: _MAX_VARIANTS + 1]


def _read_piece(piece: str) -> tuple[int, str, str, str] | None:
    """Polarity, modal, text before and after the modal of one piece; None if it states no rule."""
    match = _MODAL.search(piece)
    if match is not None:
        modal = "can only" if match["only"] else match.group(0).lower()
        if match["requires"]:  # `Refunds require a manager's approval`: obtain it, for refunds
            modal = "requires"
        return (-1 if match["neg"] else 1), modal, piece[: match.start()], piece[match.end() :]
    from charter.lint import imperative, strip_lead

    if imperative(piece):
        body = strip_lead(piece)
        lead = piece[: len(piece) - len(body)]  # keeps an opening condition for the scope
        if _AVOID.match(body):
            return -1, "avoid", lead, _AVOID.sub("", body, count=1)
        return 1, "imperative", lead, body
    present = _PRESENT.match(piece)
    if present is not None:
        return 1, "present", "the assistant", present["verb"] + present["post"]
    counted = _QUANTIFIED_PRESENT.match(piece)
    if counted is not None and find_quantity(piece) is not None:
        return 1, "present", counted["pre"], piece[counted.start("verb") :]
    amount = find_quantity(piece)
    if amount is not None:  # `Each extra bag costs 50 dollars`: a stated value
        return 1, "states", piece[: amount.span[0]], piece[amount.span[0] :]
    return None


#: Paraphrases read as one act: asking whether the user wants something is offering it;
#: asking why the user wants to act is asking the reason.
_PARAPHRASES = (
    (
        re.compile(
            r"\bask(?:\s+(?:the\s+)?(?:user|customer|caller|them))?\s+(?:if|whether)\s+(?:the\s+)?"
            r"(?:user|customer|caller|they|he|she)\s+(?:wants?|would\s+like|wishes)\s+(?:to\s+)?"
            r"(?:(?:buy|purchase|add|get|have|receive)\s+)?",
            re.IGNORECASE,
        ),
        "offer ",
    ),
    (
        re.compile(
            r"\bask\s+why\s+(?:the\s+)?(?:user|customer|caller|they)\s+(?:wants?|would\s+like|"
            r"needs?|wishes)\s+to\s+",
            re.IGNORECASE,
        ),
        "ask for the reason for ",
    ),
)


def _paraphrased(piece: str) -> str:
    for pattern, replacement in _PARAPHRASES:
        piece = pattern.sub(replacement, piece)
    return piece


_REFERENCE = frozenset({"before", "after"})


def _reference_point(post: str, split: re.Match[str]) -> bool:
    """Whether the scope word `split` found is `before` or `after` right behind a duration
    (`at least 24 hours before the scheduled time`): the words after it name the point the
    duration is counted from, part of the amount, not a situation the rule applies in."""
    if split.group(0).lower() not in _REFERENCE:
        return False
    amount = find_quantity(post[: split.start()])
    return (
        amount is not None
        and amount.unit == "hour"
        and not post[amount.span[1] : split.start()].strip()
    )


def statements(text: str, clause: int = 0) -> list[Statement]:
    """The rule statements of a clause's text: modal, imperative and present-tense rules, each
    normalised (rationale cut, passive read as active, lists and `without` split, antonyms
    folded, quantities read). Pieces that state no rule are skipped."""
    found = []
    for written in _pieces(text):
        piece = straight_apostrophes(written)  # same length: `shouldn’t` reads as `shouldn't`
        if _NOT_NEEDED.search(piece):
            continue
        piece = _paraphrased(_RATIONALE.sub("", collapse_code(piece)))
        read = _read_piece(piece)
        if read is None:
            continue
        polarity, modal, pre, post = read
        if _AVOID.match(post):  # `should skip X` forbids X; `shouldn't shy away from X` asks it
            polarity = -polarity
            post = _AVOID.sub("", post, count=1)
        pre_scope = ""
        if _CONDITION_START.match(pre) and "," in pre:
            pre_scope, pre = pre.rsplit(",", 1)
        if modal == "requires":
            pre_scope, pre, post = f"{pre_scope} for {pre}", "the assistant", f"obtain {post}"
        measured = find_quantity(post)  # an amount before the modal is scope, not requirement
        if measured is not None and _CONDITION_AMOUNT.search(post[: measured.span[0]]):
            measured = replace(measured, condition=True)
        passive = _PASSIVE.match(post)
        subject_words = set(tokens(pre))
        if passive is not None or not subject_words or subject_words & _SUBJECTS:
            post = f"{pre} {post}" if passive is not None else post
            subject_words = {"assistant"}
        split = _SCOPE.search(post)
        action, post_scope = (post[: split.start()], post[split.end() :]) if split else (post, "")
        if split is not None and _reference_point(post, split):
            post_scope = ""  # `24 hours before the tour starts`: when the amount is counted from
        extras: list[tuple[int, str]] = []
        without = _WITHOUT.search(action)
        if without is not None:
            extras.append((-polarity, without["act"]))
            action = action[: without.start()]
        instead = _INSTEAD.search(action)
        if instead is not None:
            verb = action.split()[0] if action.split() else ""
            other = instead["other"]
            acting = re.match(r"\w+ing\b", other) is not None  # `instead of transferring ...`
            extras.append((-polarity, other if acting else f"{verb} {other}"))
            action = action[: instead.start()]
            if modal == "imperative" and verb.lower() == "prefer":
                modal = "prefer"
        pre_words, pre_sign = signed_tokens(pre_scope)
        post_words, post_sign = signed_tokens(post_scope)
        scope = frozenset(pre_words + post_words)
        polarity *= post_sign  # `written in uppercase` reads as `not written in lowercase`
        condition = frozenset(pre_words)
        quantity = measured
        common = {
            "clause": clause,
            "text": written.strip(),
            "modal": modal,
            "subject": frozenset(subject_words),
            "scope": scope,
            "condition": condition,
            "permission": modal in _PERMISSION,
            "negated_condition": bool(_NEGATIVE_CONDITION.search(pre_scope)) != (pre_sign < 0),
            "context": frozenset(tokens(piece)),
        }
        main_words = frozenset(signed_tokens(action, act=True)[0])
        for sign_of, act in [(polarity, action), *extras]:
            for variant in list_variants(act):
                words, sign = signed_tokens(variant, act=True)
                item = Statement(
                    polarity=sign_of * sign,
                    core=frozenset({*subject_words, *words}),
                    act=words[0] if words else "",
                    modal_polarity=sign_of if sign < 0 else 0,
                    quantity=quantity if act is action else None,
                    **common,  # type: ignore[arg-type]
                )
                if act is not action:  # `answer X instead of transferring`: while answering X
                    item = replace(item, condition=item.condition | main_words)
                found.append(item)
    return found


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared share of the smaller set: 1.0 when one scope lies inside the other."""
    if not a or not b:
        return 1.0
    return len(a & b) / min(len(a), len(b))
