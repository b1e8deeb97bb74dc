"""The compiled system prompt a spec gives its model: what context distillation distils.

The one compiler is `charter.build.compile_system_prompt`; the project's `[build.system-prompt]`
settings apply.
"""

from __future__ import annotations

from charter.spec import Project


def system_prompt(project: Project) -> str:
    """The compiled system prompt of `project`."""
    from charter.build import BuildError, compile_system_prompt
    from charter.train._settings import TrainError

    try:
        return compile_system_prompt(project).text
    except BuildError as error:
        raise TrainError(str(error)) from None
