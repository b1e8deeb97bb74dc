"""`hf:FOLDER`: a model run in this process by transformers.

FOLDER is what `charter train` writes (`charter-model.json`: the base GGUF, dequantized by
transformers, plus the LoRA adapter, merged at load) or a plain transformers model folder.
Needs the `train` extra (torch, transformers, peft, gguf).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import threading
import time
from pathlib import Path
from typing import Any

from charter._threads import calm_openmp
from charter.model._local import chat_turn, model_path
from charter.model._options import Options
from charter.model._roles import check_roles
from charter.model._types import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderConfigError,
    ProviderError,
)

MODEL_CARD = "charter-model.json"
TRAIN_EXTRA = ("torch", "transformers", "peft", "gguf")
"""The modules of the `train` extra."""
_loaded: dict[str, tuple[Any, Any, threading.Lock]] = {}
_loading = threading.Lock()


def missing_modules(names: tuple[str, ...]) -> list[str]:
    """Which of `names` cannot be imported (tried for real: a broken install counts)."""
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def load_gguf(gguf: Path) -> tuple[Any, Any]:
    """The tokenizer and the float model transformers dequantizes from a GGUF file."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    return tokenizer, model


def load_folder(folder: Path) -> tuple[Any, Any]:
    """Tokenizer and model for `folder`: a `charter train` output, or a transformers folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    card_path = folder / MODEL_CARD
    if not card_path.is_file():
        return AutoTokenizer.from_pretrained(str(folder)), AutoModelForCausalLM.from_pretrained(
            str(folder)
        )
    from peft import PeftModel

    card = json.loads(card_path.read_text(encoding="utf-8"))
    tokenizer, base = load_gguf(model_path(str(card["base"]["model"])))
    adapter = folder / str(card.get("adapter", "adapter"))
    if not adapter.is_dir():
        raise ProviderConfigError(f"hf:{folder}: no adapter folder {adapter} (is training done?)")
    model = PeftModel.from_pretrained(base, str(adapter)).merge_and_unload()
    return tokenizer, model


class HFProvider(Provider):
    """Generates with transformers on the CPU, one call at a time per loaded model.

    Options: `n_threads` (torch threads; default: torch's own choice).
    """

    name = "hf"
    default_concurrency = 1

    def __init__(self, model: str, **options: Any) -> None:
        super().__init__(model, **options)
        opts = Options(self.name, options, ["n_threads"])
        missing = missing_modules(TRAIN_EXTRA)
        if missing:
            raise ProviderConfigError(
                f"hf:{model} needs the train extra ({', '.join(missing)} missing): "
                "pip install 'charter-spec[train]'"
            )
        self.folder = Path(model).expanduser()
        if not self.folder.is_dir():
            raise ProviderConfigError(
                f"hf:{model}: no such folder; give a `charter train` output folder or a "
                "transformers model folder"
            )
        self.n_threads = opts.integer("n_threads", 0, minimum=0) or None

    def _model(self) -> tuple[Any, Any, threading.Lock]:
        key = str(self.folder.resolve())
        with _loading:
            if key not in _loaded:
                calm_openmp()
                import torch

                if self.n_threads:
                    torch.set_num_threads(self.n_threads)
                try:
                    tokenizer, model = load_folder(self.folder)
                except (OSError, ValueError) as error:
                    raise ProviderError(f"{self.spec}: cannot load {key}: {error}") from None
                model.eval()
                _loaded[key] = (tokenizer, model, threading.Lock())
            return _loaded[key]

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        check_roles(messages)
        return await asyncio.to_thread(self._generate, messages, config)

    def _generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        import torch

        tokenizer, model, lock = self._model()
        with lock:
            started = time.perf_counter()
            prompt = tokenizer.apply_chat_template(
                [chat_turn(m) for m in messages], add_generation_prompt=True, tokenize=False
            )
            inputs = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
            sampling: dict[str, Any] = {"do_sample": False}
            if config.temperature:
                sampling = {"do_sample": True, "temperature": config.temperature}
                if config.top_p is not None:
                    sampling["top_p"] = config.top_p
                if config.seed is not None:
                    torch.manual_seed(config.seed)
            with torch.no_grad():
                output = model.generate(
                    **inputs,
                    max_new_tokens=config.max_tokens or 256,
                    pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
                    max_time=config.timeout,
                    **sampling,
                )
            new = output[0][inputs["input_ids"].shape[1] :]
            text = tokenizer.decode(new, skip_special_tokens=True)
            latency = time.perf_counter() - started
        finished = bool(len(new)) and int(new[-1]) == tokenizer.eos_token_id
        return ModelOutput(
            text=text.strip(),
            model=self.model,
            input_tokens=int(inputs["input_ids"].shape[1]),
            output_tokens=len(new),
            latency=latency,
            finish_reason="stop" if finished else "length",
        )
