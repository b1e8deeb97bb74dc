"""User templates: `[build.NAME] template = "templates/x.md.j2"` renders a Jinja2 template with
the composed spec. The environment is sandboxed and undefined names are errors, so a typo in a
template fails the build (with the template's file and line) instead of writing a blank.

Variables: `spec` (the composed `Spec`: `spec.sections`, `spec.clauses`, `spec.examples`...),
`name`, `version`, `owner`, `spec_hash`, `sections`, `clauses` (normative, first of each id),
`system_prompt` (the compiled system prompt's text) and `authorities` (the level names).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from charter.build._errors import BuildError
from charter.build._hash import spec_hash
from charter.build._registry import Artifact, BuildContext, Option, target
from charter.spec import Authority


def _variables(context: BuildContext) -> dict[str, Any]:
    from charter.build._prompt import compile_system_prompt

    spec = context.spec
    seen: set[str] = set()
    clauses = []
    for clause in spec.clauses:
        if clause.normative and clause.id not in seen:
            seen.add(clause.id)
            clauses.append(clause)
    return {
        "spec": spec,
        "name": spec.name,
        "version": spec.version,
        "owner": spec.owner,
        "spec_hash": spec_hash(spec),
        "sections": spec.sections,
        "clauses": clauses,
        "system_prompt": compile_system_prompt(context.project).text,
        "authorities": [level.value for level in Authority],
    }


def _line_in(error: BaseException, path: Path) -> int | None:
    """The template line a rendering error happened on (Jinja2 puts the template's frames in
    the traceback under the template's file name)."""
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename) == path:
            found = frame.lineno
    return found


def render_template(context: BuildContext, template: str) -> str:
    """The rendered text of the project's template file `template`."""
    import jinja2
    import jinja2.sandbox

    path = (context.root / template).resolve()
    if not path.is_file():
        raise BuildError(f"template {template}: no file {path}; fix [build] template = PATH")
    environment = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(path.parent), encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    try:
        compiled = environment.get_template(path.name)
    except jinja2.TemplateSyntaxError as error:
        source = Path(error.filename).resolve() if error.filename else path
        raise BuildError(
            f"{source}:{error.lineno}: template syntax error: {error.message}; fix the line shown"
        ) from None
    except UnicodeDecodeError:
        raise BuildError(f"{path}: the template is not UTF-8 text; save it as UTF-8") from None
    try:
        return compiled.render(_variables(context))
    except jinja2.TemplateError as error:
        line = _line_in(error, path)
        where = f"{path}:{line}" if line else str(path)
        raise BuildError(f"{where}: template error: {error}; fix the line shown") from None
    except Exception as error:
        line = _line_in(error, path)
        where = f"{path}:{line}" if line else str(path)
        raise BuildError(
            f"{where}: template error: {type(error).__name__}: {error}; fix the line shown"
        ) from None


@target(
    "template",
    summary="a user's Jinja2 template ([build.NAME] template = FILE, output = FILE)",
    default_output="dist/template-output",
    options=(Option("template", "text", "the Jinja2 template file, relative to the project"),),
)
def build_template(context: BuildContext) -> Artifact:
    template = str(context.options.get("template", ""))
    return Artifact.single(render_template(context, template), f"from {template}")
