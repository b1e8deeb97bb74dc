"""Compile a spec into what a team ships: the system prompt, AGENTS.md, a docs site, a JSON
bundle, and anything a Jinja2 template describes (`charter build`).

from charter.build import compile_system_prompt
prompt = compile_system_prompt(project)          # [build.system-prompt] settings apply
prompt.text, prompt.sha256, prompt.lines, prompt.dropped
"""

from charter.build._errors import BuildError
from charter.build._hash import spec_hash, text_hash
from charter.build._json import BUNDLE_FORMAT, bundle, bundle_name, bundle_text
from charter.build._prompt import (
    CompiledPrompt,
    DroppedSection,
    PromptLine,
    PromptOptions,
    compile_system_prompt,
)
from charter.build._registry import (
    Artifact,
    BuildContext,
    Option,
    Target,
    get_target,
    target,
    targets,
)
from charter.build._run import Built, stale
from charter.build._run import write as write_outputs
from charter.build._select import BuildResult, build_project, overrides
from charter.build._settings import (
    OutputSpec,
    has_system_prompt,
    output_specs,
    prompt_options,
)
from charter.build._system import system_prompt_for_test

__all__ = [
    "BUNDLE_FORMAT",
    "Artifact",
    "BuildContext",
    "BuildError",
    "BuildResult",
    "Built",
    "CompiledPrompt",
    "DroppedSection",
    "Option",
    "OutputSpec",
    "PromptLine",
    "PromptOptions",
    "Target",
    "build_project",
    "bundle",
    "bundle_name",
    "bundle_text",
    "compile_system_prompt",
    "get_target",
    "has_system_prompt",
    "output_specs",
    "overrides",
    "prompt_options",
    "spec_hash",
    "stale",
    "system_prompt_for_test",
    "target",
    "targets",
    "text_hash",
    "write_outputs",
]
