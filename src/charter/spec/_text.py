"""The text helpers moved to `charter.text` (a base module every package may import); these names
stay here for code written against the old place. New code imports `charter.text`."""

from __future__ import annotations

from charter.text import (
    APOSTROPHES,
    CLAUSE_TAG,
    edit_distance,
    github_slug,
    modal_words,
    sentence_bounds,
    slugify,
    straight_apostrophes,
    strip_tags,
)

__all__ = [
    "APOSTROPHES",
    "CLAUSE_TAG",
    "edit_distance",
    "github_slug",
    "modal_words",
    "sentence_bounds",
    "slugify",
    "straight_apostrophes",
    "strip_tags",
]
