"""`charter export` (SFT rows, DPO pairs, a reward table) and `charter train` (a LoRA fine-tune)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter._exits import one_line_errors
from charter.cli._app import app, opt
from charter.model import ProviderConfigError
from charter.run import StoreError
from charter.train._settings import TrainError

_one_line = one_line_errors(TrainError, ProviderConfigError, StoreError)


@app.command()
@_one_line
def export(
    kind: Annotated[str, typer.Argument(help="sft, dpo or reward.")],
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    output: Annotated[Path | None, opt("export.output")] = None,
    output_format: Annotated[str, opt("export.output_format")] = "hf",
    run: Annotated[list[str] | None, opt("export.run")] = None,
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


@app.command("train")
@_one_line
def train_command(
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    output: Annotated[Path | None, opt("train_command.output")] = None,
    max_minutes: Annotated[float | None, opt("train_command.max_minutes")] = None,
    samples: Annotated[int | None, typer.Option(help="Replies sampled per train prompt.")] = None,
    seed: Annotated[int | None, opt("train_command.seed")] = None,
    epochs: Annotated[int | None, typer.Option(help="Passes over the kept replies.")] = None,
    max_steps: Annotated[int | None, opt("train_command.max_steps")] = None,
    limit: Annotated[int | None, opt("train_command.limit")] = None,
) -> None:
    """Fine-tune the packaged SmolLM2-135M on the spec (LoRA; needs the `train` extra).

    Context distillation with rejection sampling: the model replies to every train-split prompt
    `--samples` times *with* the compiled system prompt; the replies the prompt's checks pass are
    kept; a LoRA adapter learns them *without* the system prompt. Eval-split prompts are never
    used. A checkpoint is written every `[train] checkpoint-every` steps: run the same command
    again to resume. The result is a model under test: `charter test --model hf:OUTPUT`.
    """
    import signal

    from charter.spec import load_project
    from charter.train import train_folder, train_project
    from charter.train._bar import PhaseBar
    from charter.train._tune import Progress

    project = load_project(path)
    folder = train_folder(project.spec.root, output)
    flags = {"max-minutes": max_minutes, "samples": samples, "seed": seed, "epochs": epochs}
    bar = PhaseBar()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        result = train_project(
            project,
            folder,
            overrides=flags,
            max_steps=max_steps,
            limit=limit,
            progress=Progress(bar.phase, bar.advance, bar.note),
        )
    except KeyboardInterrupt:
        bar.stop()
        typer.echo(
            f"interrupted: the samples and the last checkpoint in {folder} are kept; resume "
            "with the same command",
            err=True,
        )
        raise typer.Exit(130) from None
    finally:
        bar.stop()
    typer.echo(result.summary())
    typer.echo(f"test it: charter test {path} --model hf:{folder}")
