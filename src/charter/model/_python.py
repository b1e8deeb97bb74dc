"""`python:package.module:function`: a Python callable as the model under test."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


class PythonProvider(Provider):
    """Calls `function(messages, config)`, sync or async, which returns `str`, `ModelOutput` or
    a `charter.trajectory.Trajectory` (what an agent did).

    Option `path`: a directory put first on `sys.path` before importing the module.
    """

    name = "python"
    default_concurrency = 4

    def __init__(self, model: str, **options: Any) -> None:
        super().__init__(model, **options)
        opts = Options(self.name, options, ["path"])
        module_name, colon, function_name = model.rpartition(":")
        if not colon or not module_name or not function_name:
            raise ProviderConfigError(
                f"python:{model}: write python:MODULE:FUNCTION, e.g. python:my_agent.bot:reply"
            )
        directory = opts.text("path")
        if directory is not None:
            if not Path(directory).is_dir():
                raise ProviderConfigError(
                    f"python:{model}: option path=`{directory}` is no directory"
                )
            if directory not in sys.path:
                sys.path.insert(0, directory)
        self.function = _load(module_name, function_name, model)

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        check_roles(messages)
        started = time.perf_counter()
        try:
            result = await asyncio.wait_for(self._call(messages, config), config.timeout)
        except ProviderError:
            raise
        except TimeoutError:
            raise ProviderError(
                f"{self.spec} gave no reply within {config.timeout:g} s", retryable=True
            ) from None
        except Exception as error:
            raise ProviderError(f"{self.spec} raised {type(error).__name__}: {error}") from error
        latency = time.perf_counter() - started
        if isinstance(result, str):
            return ModelOutput(text=result, model=self.model, latency=latency)
        from charter.model._trajectory import trajectory_output
        from charter.trajectory import Trajectory

        if isinstance(result, Trajectory):
            return trajectory_output(result, self.model, latency)
        if isinstance(result, ModelOutput):
            if not result.latency:
                result.latency = latency
            return result
        raise ProviderError(
            f"{self.spec} returned {type(result).__name__}; it must return str, ModelOutput "
            "or a charter.trajectory.Trajectory"
        )

    async def _call(self, messages: list[Message], config: GenerateConfig) -> Any:
        if inspect.iscoroutinefunction(self.function):
            return await self.function(list(messages), config)
        result = await asyncio.to_thread(self.function, list(messages), config)
        if inspect.isawaitable(result):
            result = await result
        return result


def _load(module_name: str, function_name: str, model: str) -> Callable[..., Any]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise ProviderConfigError(
            f"python:{model}: cannot import module `{module_name}` ({error}); put its directory "
            "on PYTHONPATH or give the option path=DIR"
        ) from None
    except Exception as error:
        raise ProviderConfigError(
            f"python:{model}: importing module `{module_name}` failed: "
            f"{type(error).__name__}: {error}"
        ) from None
    function = getattr(module, function_name, None)
    if function is None:
        raise ProviderConfigError(
            f"python:{model}: module `{module_name}` has no `{function_name}`"
        )
    if not callable(function):
        raise ProviderConfigError(f"python:{model}: {module_name}.{function_name} is not callable")
    return function  # type: ignore[no-any-return]
