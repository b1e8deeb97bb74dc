"""Review: the replies of a stored run that no check or reliable judge could decide, and a
person's verdict on one of them, applied to the run's grades at once and kept as a precedent.

from charter.review import review_queue, adjudicate
queue = review_queue(store, run_id)          # ReviewItem per reply waiting for a person
done = adjudicate(root, store, run_id, sample_id, "comply", "greets the user")
done.before.pass_rate, done.after.pass_rate  # the clause's pass rate before and after
"""

from charter.review._adjudicate import (
    PERSON_GRADER,
    PRECEDENT_ADD,
    Adjudication,
    ReviewError,
    Wording,
    adjudicate,
    precedent_for,
)
from charter.review._queue import (
    ReviewItem,
    needs_review,
    project_store,
    review_item,
    review_queue,
)
from charter.review._terminal import KEYS, outcome_line, review_interactively

__all__ = [
    "KEYS",
    "PERSON_GRADER",
    "PRECEDENT_ADD",
    "Adjudication",
    "ReviewError",
    "ReviewItem",
    "Wording",
    "adjudicate",
    "needs_review",
    "outcome_line",
    "precedent_for",
    "project_store",
    "review_interactively",
    "review_item",
    "review_queue",
]
