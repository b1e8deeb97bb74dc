"""The train/eval split of a spec's challenge prompts, and the set an export must never contain.

A prompt's split is, in order: the `split` its prompt file's front matter records for the example
(`examples: {"title": {split: eval}}`), the file's own `split`, else a draw from the recorded seed
(per clause, by prompt: a hash of seed, clause id and conversation). `eval-only` prompts and the
`eval` split are held out: no export row and no training step ever uses them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from charter._shown import written
from charter.model import Message
from charter.run import Challenge, Selection, conversation_hash, plan
from charter.spec import Project, PromptFile, Spec
from charter.train._settings import TrainError, project_settings

SPLITS = ("train", "eval", "eval-only")
HELD_OUT = ("eval", "eval-only")


@dataclass(frozen=True, slots=True)
class SplitPrompt:
    """One challenge prompt and the split it belongs to."""

    challenge: Challenge
    split: str


def seeded_split(seed: int, clause_id: str, prompt_hash: str, eval_fraction: float) -> str:
    """`eval` for about `eval_fraction` of prompts, decided by the hash alone (reproducible)."""
    digest = hashlib.sha256(f"{seed}\0{clause_id}\0{prompt_hash}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    return "eval" if draw < eval_fraction else "train"


def recorded_split(prompt_file: PromptFile, title: str | None) -> str | None:
    """The split the prompt file records for example `title`, or for the whole file."""
    front = prompt_file.front_matter
    per_example = front.get("examples", {})
    entry = per_example.get(title) if isinstance(per_example, Mapping) and title else None
    value = entry.get("split") if isinstance(entry, Mapping) else None
    where = f"{prompt_file.path}:1: front matter examples[`{title}`].split"
    if value is None:
        value, where = front.get("split"), f"{prompt_file.path}:1: front matter split"
    if value is None:
        return None
    if value not in SPLITS:
        raise TrainError(f"{where}: {written(value)} is not one of {', '.join(SPLITS)}")
    return str(value)


def split_prompts(spec: Spec, seed: int, eval_fraction: float) -> list[SplitPrompt]:
    """Every prompt-file challenge of the spec with its split."""
    found: list[SplitPrompt] = []
    for challenge in plan(spec, Selection()):
        prompt_file = spec.prompt_file(challenge.clause_id)
        recorded = recorded_split(prompt_file, challenge.title) if prompt_file else None
        split = recorded or seeded_split(
            seed, challenge.clause_id, challenge.prompt_hash, eval_fraction
        )
        found.append(SplitPrompt(challenge, split))
    return found


def user_text(messages: Iterable[Message | Mapping[str, Any]]) -> str:
    """The user turns, whitespace-folded and case-folded: how the leak guard compares prompts."""
    parts = []
    for message in messages:
        role = message.role if isinstance(message, Message) else message.get("role")
        content = message.content if isinstance(message, Message) else message.get("content")
        if role == "user":
            parts.append(" ".join(str(content).split()).casefold())
    return "\n".join(parts)


@dataclass(slots=True)
class LeakGuard:
    """The held-out prompts; `holds(conversation)` is True for any conversation that matches one
    (the same messages, or the same user turns under another system or developer message)."""

    hashes: set[str]
    user_texts: set[str]

    @classmethod
    def of(cls, prompts: Iterable[SplitPrompt]) -> LeakGuard:
        held = [item.challenge for item in prompts if item.split in HELD_OUT]
        return cls(
            {challenge.prompt_hash for challenge in held},
            {text for challenge in held if (text := user_text(challenge.messages))},
        )

    def holds(self, conversation: Iterable[Message]) -> bool:
        messages = list(conversation)
        if conversation_hash(messages) in self.hashes:
            return True
        text = user_text(messages)
        return bool(text) and text in self.user_texts


def only_split(project: Project, challenges: list[Challenge], split: str) -> list[Challenge]:
    """The challenges of `split`: `train`, or `eval` (the eval split and eval-only prompts)."""
    if split not in ("train", "eval"):
        raise TrainError(f"--split must be train or eval, not `{split}`")
    settings = project_settings(project)
    prompts = split_prompts(project.spec, settings.split_seed, settings.eval_fraction)
    wanted = {
        item.challenge.prompt_hash
        for item in prompts
        if (item.split == "train") == (split == "train")
    }
    return [challenge for challenge in challenges if challenge.prompt_hash in wanted]
