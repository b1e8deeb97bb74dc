"""`charter export` (SFT rows, DPO pairs, a reward table) and `charter train` (a LoRA fine-tune)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli._app import app
from charter.cli._errors import one_line_errors
from charter.model import ProviderConfigError
from charter.run import StoreError
from charter.train._settings import TrainError

_one_line = one_line_errors(TrainError, ProviderConfigError, StoreError)


@app.command()
@_one_line
def export(
    kind: Annotated[str, typer.Argument(help="sft, dpo or reward.")],
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File (openai, reward) or folder (hf) to write; default: none."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="openai (JSONL) or hf (dataset folder).")
    ] = "hf",
    run: Annotated[
        list[str] | None,
        typer.Option("--run", help="Also read this run's graded samples (repeatable)."),
    ] = None,
) -> None:
    """Export training data from the spec: `sft` rows (conversation, reasoning citing the clauses
    applied, reply), `dpo` preference pairs, or a `reward` table of the train prompts' checks.

    Sources: the spec's GOOD/BAD inline examples, precedents, and with `--run` stored replies
    graded by checks or a calibrated judge. Eval-split and eval-only prompts never reach an export.
    Prints the row counts; exit 2 when there is nothing to export.
    """
    from charter.spec import load_project
    from charter.train import Reward, build_export, require_rows, write_export

    project = load_project(path)
    if kind == "reward":
        reward = Reward.from_project(path)
        if output is not None:
            reward.save(output)
            typer.echo(f"reward table written to {output}")
        typer.echo(f"{len(reward.checks)} train prompts with checks ({reward.content_hash})")
        return
    result = build_export(project, kind, run or [])
    typer.echo(result.summary())
    require_rows(result)
    if output is not None:
        for written in write_export(result, output, output_format):
            typer.echo(f"wrote {written}")
