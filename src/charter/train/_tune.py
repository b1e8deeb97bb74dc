"""`charter train`: a LoRA fine-tune of the packaged SmolLM2-135M by context distillation.

1. Rejection sampling (`_sample`): the model replies to each train prompt several times *with* the
   compiled system prompt (llama.cpp, fast); the replies the prompt's checks pass are kept.
2. Supervised fine-tuning: the base weights, dequantized from the same GGUF by transformers, get a
   LoRA adapter trained on the kept replies *without* the system prompt (loss on the reply only).

The output folder holds `samples.jsonl`, `checkpoint/` (adapter, optimizer and step, written every
`checkpoint-every` steps: a rerun resumes from it), then `adapter/` and `charter-model.json`, which
the `hf:` provider loads (`charter test --model hf:FOLDER`).

Needs the `train` extra (torch, transformers, peft, gguf), imported here only.
"""

from __future__ import annotations

import json
import math
import random
import resource
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter._threads import calm_openmp
from charter.model import GenerateConfig, get_provider
from charter.model._hf import MODEL_CARD, TRAIN_EXTRA, load_gguf, missing_modules
from charter.model._local import model_path
from charter.train._sample import Kept, sample_replies
from charter.train._settings import TrainError, TrainSettings

if TYPE_CHECKING:
    import torch

calm_openmp()  # before torch loads (its imports here are inside the functions)

BASE_MODEL = "smollm2"
CHECKPOINT = "checkpoint"
ADAPTER = "adapter"


def require_extra() -> None:
    """Raise `TrainError` naming the extra when a training dependency is missing."""
    missing = missing_modules(TRAIN_EXTRA)
    if missing:
        raise TrainError(
            f"charter train needs the train extra ({', '.join(missing)} missing): "
            "pip install 'charter-spec[train]'"
        )


@dataclass(slots=True)
class Progress:
    """What `train` reports while it works: replaceable by a progress bar."""

    phase: Callable[[str, int, int], None] = lambda name, total, done: None
    advance: Callable[[dict[str, Any]], None] = lambda fields: None
    note: Callable[[str], None] = lambda text: None


@dataclass(slots=True)
class TrainResult:
    output: Path
    prompts: int
    sampled: int
    kept: int
    steps: int
    total_steps: int
    resumed_from: int
    sampling_seconds: float
    training_seconds: float
    wall_seconds: float
    peak_memory_mb: float
    final_loss: float | None
    finished: bool
    """False when the time budget ended training before the last step (the checkpoint stays)."""

    def summary(self) -> str:
        """One line: finished or stopped, the steps, the replies kept, the times and memory."""
        state = "finished" if self.finished else "stopped by the time budget (rerun to continue)"
        loss = "n/a" if self.final_loss is None else round(self.final_loss, 3)
        return (
            f"{state}: {self.steps}/{self.total_steps} steps (resumed from {self.resumed_from}); "
            f"{self.kept} of {self.sampled} sampled replies kept for {self.prompts} prompts; "
            f"sampling {self.sampling_seconds} s, training {self.training_seconds} s, "
            f"wall {self.wall_seconds} s, peak memory {self.peak_memory_mb} MB; final loss {loss}"
        )


def peak_memory_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def base_gguf() -> Path:
    return model_path(BASE_MODEL)


def encode(
    tokenizer: Any, messages: list[dict[str, str]], reply: str, max_length: int
) -> tuple[list[int], list[int]]:
    """Token ids of the chat (template of the base model) and labels: -100 except the reply."""
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    end = tokenizer.eos_token or ""
    reply_ids = tokenizer(reply + end, add_special_tokens=False)["input_ids"]
    ids = (prompt_ids + reply_ids)[:max_length]
    labels = ([-100] * len(prompt_ids) + reply_ids)[:max_length]
    return ids, labels


def _batches(
    examples: list[tuple[list[int], list[int]]], size: int, seed: int, epoch: int
) -> list[list[tuple[list[int], list[int]]]]:
    order = list(range(len(examples)))
    random.Random(seed * 1009 + epoch).shuffle(order)
    return [[examples[i] for i in order[at : at + size]] for at in range(0, len(order), size)]


def _collate(batch: list[tuple[list[int], list[int]]], pad: int) -> dict[str, torch.Tensor]:
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = [x + [pad] * (width - len(x)) for x, _ in batch]
    labels = [y + [-100] * (width - len(y)) for _, y in batch]
    mask = [[1] * len(x) + [0] * (width - len(x)) for x, _ in batch]
    return {
        "input_ids": torch.tensor(ids),
        "labels": torch.tensor(labels),
        "attention_mask": torch.tensor(mask),
    }


@contextmanager
def _atomic_folder(target: Path) -> Iterator[Path]:
    """Write into `target.tmp`, then replace `target` with it: a kill never leaves half a
    checkpoint."""
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    yield staging
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def _save_checkpoint(
    folder: Path, model: Any, optimizer: Any, scheduler: Any, state: dict[str, Any]
) -> None:
    import torch

    with _atomic_folder(folder / CHECKPOINT) as staging:
        model.save_pretrained(str(staging / ADAPTER))
        torch.save(
            {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()},
            staging / "optimizer.pt",
        )
        (staging / "state.json").write_text(json.dumps(state, indent=1), encoding="utf-8")


def _signature(settings: TrainSettings, kept: list[Kept]) -> dict[str, Any]:
    """What a checkpoint must match to be resumed: the settings that shape the steps and data."""
    keys = ("seed", "lora_rank", "learning_rate", "epochs", "batch_size", "max_length")
    data = {key: getattr(settings, key) for key in keys}
    data["rows"] = len(kept)
    return data


def train(
    prompts: list[Any],
    system: str,
    settings: TrainSettings,
    output: Path,
    *,
    spec_info: dict[str, Any],
    progress: Progress | None = None,
    max_steps: int | None = None,
) -> TrainResult:
    """Sample, filter and fine-tune within `settings.max_minutes`; resume from `output`."""
    require_extra()
    progress = progress or Progress()
    started = time.monotonic()
    budget = settings.max_minutes * 60
    if budget <= 0:
        raise TrainError("--max-minutes 0 is too small for one training step; give a budget")
    gguf = base_gguf()
    provider = get_provider(f"local:{gguf}")
    config = GenerateConfig(
        temperature=settings.temperature, max_tokens=settings.max_tokens, seed=settings.seed
    )
    progress.phase("sampling", len(prompts) * settings.samples, 0)
    kept, drawn = sample_replies(
        provider,
        prompts,
        system,
        draws=settings.samples,
        config=config,
        folder=output,
        advance=lambda: progress.advance({}),
        seconds=budget,
    )
    sampling_seconds = time.monotonic() - started
    if not kept:
        raise TrainError(
            f"no trainable rows: none of the {len(prompts)} train prompts got a reply that passes "
            "its checks (raise [train] samples, or check the prompt files' checks)"
        )
    if time.monotonic() - started >= budget:
        raise TrainError(
            f"--max-minutes {settings.max_minutes:g} is too small for one training step: "
            f"sampling used {sampling_seconds:.0f} s of it (rerun with a larger budget: the "
            f"samples are kept in {output})"
        )
    return _fine_tune(
        kept,
        settings,
        output,
        gguf,
        started,
        sampling_seconds,
        spec_info,
        progress,
        max_steps,
        (len(prompts), drawn),
    )


def _fine_tune(
    kept: list[Kept],
    settings: TrainSettings,
    output: Path,
    gguf: Path,
    started: float,
    sampling_seconds: float,
    spec_info: dict[str, Any],
    progress: Progress,
    max_steps: int | None,
    counts: tuple[int, int],
) -> TrainResult:
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import get_cosine_schedule_with_warmup

    torch.manual_seed(settings.seed)
    tokenizer, base = load_gguf(gguf)
    examples = [
        encode(
            tokenizer,
            [{"role": m.role, "content": m.content} for m in row.messages],
            row.reply,
            settings.max_length,
        )
        for row in kept
    ]
    per_epoch = math.ceil(len(examples) / settings.batch_size)
    total = per_epoch * settings.epochs
    if max_steps is not None:
        total = min(total, max_steps)
    signature = _signature(settings, kept)
    state: dict[str, Any] = {"step": 0, "losses": [], "signature": signature}
    checkpoint = output / CHECKPOINT
    resumed = False
    if (checkpoint / "state.json").is_file():
        saved = json.loads((checkpoint / "state.json").read_text(encoding="utf-8"))
        if saved.get("signature") == signature:
            state, resumed = saved, True
        else:
            progress.note("checkpoint settings differ from these: starting the fine-tune afresh")
    if resumed:
        model = PeftModel.from_pretrained(base, str(checkpoint / ADAPTER), is_trainable=True)
    else:
        lora = LoraConfig(
            r=settings.lora_rank,
            lora_alpha=2 * settings.lora_rank,
            lora_dropout=0.05,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(base, lora)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate)
    scheduler = get_cosine_schedule_with_warmup(optimizer, max(1, total // 10), total)
    if resumed:
        saved_opt = torch.load(checkpoint / "optimizer.pt", weights_only=False)
        optimizer.load_state_dict(saved_opt["optimizer"])
        scheduler.load_state_dict(saved_opt["scheduler"])
        progress.note(f"resuming from the checkpoint at step {state['step']} of {total}")
    resumed_from = int(state["step"])
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    model.train()
    budget = settings.max_minutes * 60
    training_started = time.monotonic()
    progress.phase("training", total, resumed_from)
    step = resumed_from
    loss_value: float | None = state["losses"][-1] if state["losses"] else None
    try:
        while step < total:
            if time.monotonic() - started >= budget and step > resumed_from:
                break
            if time.monotonic() - started >= budget:
                raise TrainError(
                    f"--max-minutes {settings.max_minutes:g} is too small for one training step "
                    "(loading and sampling used it all)"
                )
            epoch, index = divmod(step, per_epoch)
            batch = _collate(
                _batches(examples, settings.batch_size, settings.seed, epoch)[index], pad
            )
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            loss_value = float(loss.detach())
            state["losses"].append(round(loss_value, 4))
            state["step"] = step
            progress.advance({"loss": f"{loss_value:.3f}"})
            if step % settings.checkpoint_every == 0 or step == total:
                _save_checkpoint(output, model, optimizer, scheduler, state)
    except KeyboardInterrupt:
        if step > resumed_from:
            _save_checkpoint(output, model, optimizer, scheduler, state)
        raise
    if step > resumed_from and step % settings.checkpoint_every:
        _save_checkpoint(output, model, optimizer, scheduler, state)
    finished = step >= total
    training_seconds = time.monotonic() - training_started
    with _atomic_folder(output / ADAPTER) as staging:
        model.save_pretrained(str(staging))
    result = TrainResult(
        output=output,
        prompts=counts[0],
        sampled=counts[1],
        kept=len(kept),
        steps=step,
        total_steps=total,
        resumed_from=resumed_from,
        sampling_seconds=round(sampling_seconds, 1),
        training_seconds=round(training_seconds, 1),
        wall_seconds=round(time.monotonic() - started, 1),
        peak_memory_mb=round(peak_memory_mb(), 1),
        final_loss=loss_value,
        finished=finished,
    )
    card = {
        "base": {"model": BASE_MODEL, "gguf": gguf.name},
        "adapter": ADAPTER,
        "spec": spec_info,
        "settings": asdict(settings),
        "result": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items()},
        "losses": state["losses"],
    }
    (output / MODEL_CARD).write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return result
