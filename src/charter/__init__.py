"""Charter: specifications of AI behaviour as source code.

The public API (`docs/api.md`): load a project, check it, build its outputs, run a test with
progress events and cancellation, grade a reply, adjudicate a sample, diff two versions.

    import charter
    project = charter.load_project("examples/helpdesk")
    result = charter.check_path("examples/helpdesk")
    run = charter.TestRun("examples/helpdesk", charter.TestOptions(model="local:smollm2"))

Every name is imported on first use, so that `import charter` (and the command line's start-up)
stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charter.build import BuildResult, build_project, compile_system_prompt, write_outputs
    from charter.check import CheckResult, check_path, check_spec, render
    from charter.compose import evaluate_overrides
    from charter.grade import Grade, Verdict, choose_judge
    from charter.report import RunReport
    from charter.session import (
        Adjudicated,
        Done,
        DryRun,
        Notice,
        Planned,
        RunEvent,
        SampleFinished,
        SampleGraded,
        SampleStarted,
        TestOptions,
        TestResult,
        TestRun,
        adjudicate,
        grade_reply,
        import_examples,
    )
    from charter.spec import Project, Spec, SpecLoadError, load_project, load_spec
    from charter.version import SpecDiff, diff_sides, diff_specs, version_status

    __version__: str

_HOMES = {
    "charter.build": ("BuildResult", "build_project", "compile_system_prompt", "write_outputs"),
    "charter.check": ("CheckResult", "check_path", "check_spec", "render"),
    "charter.compose": ("evaluate_overrides",),
    "charter.grade": ("Grade", "Verdict", "choose_judge"),
    "charter.report": ("RunReport",),
    "charter.session": (
        "Adjudicated",
        "Done",
        "DryRun",
        "Notice",
        "Planned",
        "RunEvent",
        "SampleFinished",
        "SampleGraded",
        "SampleStarted",
        "TestOptions",
        "TestResult",
        "TestRun",
        "adjudicate",
        "grade_reply",
        "import_examples",
    ),
    "charter.spec": ("Project", "Spec", "SpecLoadError", "load_project", "load_spec"),
    "charter.version": ("SpecDiff", "diff_sides", "diff_specs", "version_status"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "Adjudicated",
    "BuildResult",
    "CheckResult",
    "Done",
    "DryRun",
    "Grade",
    "Notice",
    "Planned",
    "Project",
    "RunEvent",
    "RunReport",
    "SampleFinished",
    "SampleGraded",
    "SampleStarted",
    "Spec",
    "SpecDiff",
    "SpecLoadError",
    "TestOptions",
    "TestResult",
    "TestRun",
    "Verdict",
    "__version__",
    "adjudicate",
    "build_project",
    "check_path",
    "check_spec",
    "choose_judge",
    "compile_system_prompt",
    "diff_sides",
    "diff_specs",
    "evaluate_overrides",
    "grade_reply",
    "import_examples",
    "load_project",
    "load_spec",
    "render",
    "version_status",
    "write_outputs",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its stage package on first use; `__version__` costs
    ~10 ms (importlib.metadata), which only `charter --version` and SARIF output need."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found: Any = version("charter-spec")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            found = "0.0.0+unknown"
    elif name in _HOME_OF:
        found = getattr(import_module(_HOME_OF[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = found
    return found


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
