"""`charter clarify`: turn lint findings into questions for the spec's author, and write the
answers back into the spec as minimal edits plus a dated `## Clarifications` log.

Questions are deterministic. `build_questions(..., proposer=...)` is the hook for a later stage
that proposes extra options (e.g. from a grader model).
"""

from charter.clarify._answers import Answer, AnswersError, choose, load_answers
from charter.clarify._apply import Applied, answered_text, apply_answers
from charter.clarify._open import applied_line, open_questions, print_question
from charter.clarify._options import Option
from charter.clarify._questions import OptionProposer, Question, answered_ids, build_questions

__all__ = [
    "Answer",
    "AnswersError",
    "Applied",
    "Option",
    "OptionProposer",
    "Question",
    "answered_ids",
    "answered_text",
    "applied_line",
    "apply_answers",
    "build_questions",
    "choose",
    "load_answers",
    "open_questions",
    "print_question",
]
