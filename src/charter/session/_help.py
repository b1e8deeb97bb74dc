"""The help of each `charter test` option: the command line shows it, and it documents the
`TestOptions` field of the same name (the others are the command line's own)."""

from __future__ import annotations

TEST_OPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "model": (
        ("--model", "-m"),
        "Model under test, PROVIDER:MODEL (repeatable: one run tests each, side by side).",
    ),
    "grader": ((), "Judge model, PROVIDER:MODEL (repeatable: majority vote)."),
    "allow_self_judge": (("--allow-self-judge",), "Let the judge be the tested model."),
    "select": (("--select", "-s"), "Clause ids, section ids or tags (repeatable)."),
    "authority": ((), "Only clauses at this authority (repeatable)."),
    "examples": (("--examples",), "Also run the spec's inline examples."),
    "epochs": ((), "Repeat every prompt N times."),
    "concurrency": ((), "Calls in flight (default: the provider's)."),
    "timeout": ((), "Seconds per call attempt."),
    "max_retries": ((), "Retries of a failed call (default 4)."),
    "temperature": ((), "Sampling temperature."),
    "max_tokens": ((), "Most tokens per reply."),
    "seed": ((), "Sampling seed."),
    "no_cache": (("--no-cache",), "Call the model even for a stored identical call."),
    "resume": (
        (),
        "Finish this interrupted run (its own settings apply); its failed samples and grades "
        "are tried again.",
    ),
    "report_format": (("--report",), ""),
    "keep_errors": (("--keep-errors",), "With --resume: keep failed samples as they are."),
    "output": (("--output", "-o"), "Report file."),
    "force": (("--force",), "Let -o replace a file of the spec project."),
    "fail_under": ((), "Fail (exit 1) under this overall pass rate."),
    "fail_under_authority": ((), "AUTHORITY=RATE, e.g. root=0.95 (repeatable)."),
    "baseline": ((), "Fail when a clause drops below this run's 95% interval."),
    "max_review": (
        (),
        "Fail (exit 1) when more replies than this still need review: a count (5) or a share "
        "of the replies (0.1 or 10%). Default: no limit.",
    ),
    "dry_run": (("--dry-run",), "Print the calls, tokens and cost; send nothing."),
    "prices_file": (("--prices",), "Price table TOML for --dry-run."),
    "precedents": (("--precedents",), "Replay every precedent's conversation (regression)."),
    "system": (
        ("--system",),
        "System prompt for the model under test: compiled (the spec's, from [build.system-"
        "prompt]), none, or a FILE (default: compiled when the project builds one, else "
        "none).",
    ),
    "split": (
        ("--split",),
        "Only the prompts of this split: train, or eval (the eval split and eval-only "
        "prompts; see docs/training.md).",
    ),
    "changed_since": (
        ("--changed-since",),
        "Re-run only clauses changed since this git revision; carry the rest forward from the"
        " last complete run of the same model and grader.",
    ),
    "executor": (
        (),
        "Where the model calls run: local (this process), ray (a Ray cluster) or batch "
        "(the provider's batch endpoint: openai, anthropic).",
    ),
    "address": ((), "The Ray cluster to join, HOST:PORT (default: start one in this process)."),
    "workers": (
        (),
        "Make the model calls from N local worker processes (or auto: one per core), each "
        "with its share of --concurrency; this process stores and grades (default: 1, "
        "this process alone).",
    ),
}
"""Option name -> (its flags, empty for the `--name` typer derives; its help)."""
