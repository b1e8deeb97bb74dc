"""The help of the command-line options, by `command.option`: `charter --help` shows it, and
it says what the parameter of the library call of the same name means."""

from __future__ import annotations

OPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "build.target": (
        ("--target", "-t"),
        "Build only this target or [build] output (default: all).",
    ),
    "build.output": (
        ("--output", "-o"),
        "Where to write --target's output (`-` for standard output).",
    ),
    "build.check": (("--check",), "Write nothing; exit 1 if an output on disk is stale."),
    "build.force": (("--force",), "Allow an output path outside the project."),
    "build.output_format": (("--format",), "system-prompt: text or json (line map)."),
    "build.examples": ((), "system-prompt: include up to N spec examples a section."),
    "build.ids": (("--ids/--no-ids",), "system-prompt: keep clause ids."),
    "build.max_tokens": ((), "system-prompt: token budget; drops the lowest authority first."),
    "build.audience": ((), "system-prompt: only sections for this audience."),
    "build.module": ((), "system-prompt: only this module's sections (`project`: its own)."),
    "publish.output": (("--output", "-o"), "Folder for the bundle (default: PATH/dist)."),
    "add.path": (("--project", "-p", "--path"), "The spec project folder."),
    "add.replace": (("--replace",), "Overwrite the precedent that already decides the sample."),
    "calibrate_cmd.grader": (("--grader", "-g"), "Judge PROVIDER:MODEL (repeatable)."),
    "calibrate_cmd.holdout": (
        ("--holdout/--no-holdout",),
        "Never show the judge the precedents about the case it is judging.",
    ),
    "calibrate_cmd.select": (("--select", "-s"), "Clause ids, section ids or precedent ids."),
    "calibrate_cmd.pairwise": (("--pairwise/--no-pairwise",), "Also judge GOOD vs BAD pairs."),
    "calibrate_cmd.with_ok": (("--with-ok",), "Include the spec's OK replies (as comply)."),
    "calibrate_cmd.out": (
        ("--out",),
        "Folder for <grader>.json (default PROJECT/.charter/calibration).",
    ),
    "clarify.answers": (
        ("--answers",),
        "YAML list of {id (or clause + rule), answer[, definition]}; no prompts.",
    ),
    "clarify.dry_run": (("--dry-run",), "Print the questions and change nothing."),
    "clarify.date": ((), "Date for the log, YYYY-MM-DD (default: today)."),
    "export.output": (
        ("--output", "-o"),
        "File (openai, reward) or folder (hf) to write; default: none.",
    ),
    "export.output_format": (("--format", "-f"), "openai (JSONL) or hf (dataset folder)."),
    "export.run": (("--run",), "Also read this run's graded samples (repeatable)."),
    "train_command.output": (
        ("--output", "-o"),
        "Output folder (default: PROJECT/.charter/train).",
    ),
    "train_command.max_minutes": (("--max-minutes",), "Time budget, sampling included."),
    "train_command.seed": ((), "Seed for sampling, data order and LoRA."),
    "train_command.max_steps": (("--max-steps",), "Stop after this many optimizer steps."),
    "train_command.limit": (("--limit",), "Use only the first N train prompts of each clause."),
    "diff_command.prompt": (
        ("--prompt/--no-prompt",),
        "Show how the compiled system prompt changes (default: when charter.toml has "
        "[build.system-prompt]).",
    ),
    "changelog_command.heading": ((), "Entry heading (default: the newer version and today)."),
    "version_command.check": (("--check",), "Fail (exit 1) if the version is not bumped enough."),
    "version_command.bump": (("--bump",), "Rewrite the front-matter version to the implied one."),
    "version_command.since": ((), "Compare with this git revision (default: the last tag)."),
    "version_command.level": ((), "With --bump: bump by major, minor or patch instead."),
    "version_command.date": ((), "With --bump on a date version: the new date (default: today)."),
    "check.select": ((), "Only these rule codes, prefixes or names (repeat or comma-separate)."),
    "check.ignore": ((), "Skip these rule codes, prefixes or names."),
    "check.output": (("--output", "-o"), "Write the report to this file."),
    "check.fix": (("--fix",), "Apply the safe mechanical fixes, then report the rest."),
    "check.force": (("--force",), "Let -o replace a file of the spec project."),
    "check.write_lock": (("--write-lock",), "Record instruction-file clause ids in the lock."),
    "show.item": ((), "A clause id or section id to show in full."),
    "show.output_format": (("--format", "-f"), "text (outline and clause table) or json."),
    "rules.output_format": (("--format", "-f"), "text, json, or markdown (the docs page)."),
}
"""Option -> (its flags, empty for the `--name` typer derives; its help)."""
