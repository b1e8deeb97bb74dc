"""One error hierarchy: every expected failure is a `CharterError`, reported in one line with its
class's exit code by `run_safely`, never a traceback."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
import typer

import charter
from charter.build import BuildError
from charter.clarify._answers import AnswersError
from charter.cli._errors import run_safely
from charter.compose._imports import ImportEntryError
from charter.compose._lock import LockError
from charter.compose._resolve import ImportNotFound, ImportOutside
from charter.errors import (
    BuildError as BaseBuildError,
)
from charter.errors import (
    CharterError,
    ConfigError,
    ModelError,
    SpecError,
    UsageError,
    VersionError,
)
from charter.grade._judge import VerdictFormatError
from charter.grade._setup import JudgeSetupError
from charter.model import ProviderConfigError, ProviderError, RateLimited
from charter.precedent._model import PrecedentFormatError
from charter.publish._bundle import BundleExists
from charter.run import PriceTableError, StoreError
from charter.run._plan import PlanError
from charter.run._settings import SettingsError
from charter.spec import SpecLoadError
from charter.train import TrainError
from charter.version._edit import EditError

#: Exception classes of src/charter that are not (yet) CharterErrors, with the reason.
NOT_CHARTER_ERRORS: set[str] = set()

#: (an instance, its kind, its exit code, other base classes it must keep)
CASES: list[tuple[Exception, type[CharterError], int, tuple[type[Exception], ...]]] = [
    (UsageError("--limit must be at least 1"), UsageError, 2, ()),
    (SpecLoadError("no spec", "give a folder"), SpecError, 2, ()),
    (ImportEntryError("bad entry"), SpecError, 2, (ValueError,)),
    (ImportNotFound("no folder"), SpecError, 2, (LookupError,)),
    (ImportOutside("outside"), SpecError, 2, (LookupError,)),
    (LockError("bad lock"), SpecError, 2, ()),
    (PrecedentFormatError("p.md", 3, "not YAML"), SpecError, 2, (ValueError,)),
    (AnswersError("bad answers"), SpecError, 2, ()),
    (EditError("no such block"), SpecError, 2, ()),
    (PlanError("no prompts"), SpecError, 2, (ValueError,)),
    (SettingsError("[test] epochs must be a number"), ConfigError, 2, (ValueError,)),
    (PriceTableError("bad price"), ConfigError, 2, (ValueError,)),
    (JudgeSetupError("[judge] must be a table"), ConfigError, 2, (ValueError,)),
    (ProviderConfigError("no key"), ConfigError, 2, ()),
    (ProviderConfigError("no key"), ModelError, 2, ()),
    (VerdictFormatError("not JSON"), ModelError, 2, (ValueError,)),
    (ProviderError("connection refused"), ModelError, 4, ()),
    (RateLimited("slow down"), ModelError, 4, ()),
    (StoreError("locked"), StoreError, 2, ()),
    (BuildError("unknown target"), BaseBuildError, 2, ()),
    (TrainError("no rows"), TrainError, 2, (ValueError,)),
    (BundleExists(Path("dist/x.json"), "1.0.0"), VersionError, 2, ()),
]


def _exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(charter.__path__, "charter."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__.startswith("charter.")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return sorted(found.values(), key=lambda kind: kind.__qualname__)


def test_every_exception_class_of_charter_is_a_charter_error() -> None:
    classes = _exception_classes()
    assert len(classes) >= 25  # the walk found the packages' classes, not nothing
    outside = {
        f"{kind.__module__}.{kind.__qualname__}"
        for kind in classes
        if not issubclass(kind, CharterError)
    }
    assert outside == NOT_CHARTER_ERRORS


@pytest.mark.parametrize(
    ("error", "kind", "code", "bases"), CASES, ids=[type(case[0]).__name__ for case in CASES]
)
def test_each_error_has_its_kind_and_exit_code(
    error: Exception, kind: type[CharterError], code: int, bases: tuple[type[Exception], ...]
) -> None:
    assert isinstance(error, kind)
    assert isinstance(error, CharterError)
    assert error.exit_code == code
    for base in bases:  # existing `except ValueError` / `except LookupError` keep working
        assert isinstance(error, base)


def test_the_message_keeps_the_place_and_the_hint() -> None:
    error = CharterError("an unknown key `selct`", "did you mean `select`?", file="x.toml", line=4)
    assert str(error) == "x.toml:4: an unknown key `selct` (did you mean `select`?)"
    assert error.location == "x.toml:4"
    assert str(CharterError("no line", file="a.md")) == "a.md: no line"
    assert str(SpecLoadError("no spec here", "give the folder")) == "no spec here (give the folder)"
    precedent = PrecedentFormatError("precedents/a.md", 7, "not a mapping")
    assert str(precedent) == "precedents/a.md:7: not a mapping"
    assert (precedent.path, precedent.line) == ("precedents/a.md", 7)
    assert precedent.message == "not a mapping"


def _app_raising(error: BaseException) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def fail() -> None:
        raise error

    @app.command()
    def other() -> None:  # a second command, so that typer expects the command's name
        """Unused."""

    return app


@pytest.mark.parametrize(
    ("error", "kind", "code", "bases"), CASES, ids=[type(case[0]).__name__ for case in CASES]
)
def test_run_safely_exits_with_the_class_code_in_one_line(
    error: Exception,
    kind: type[CharterError],
    code: int,
    bases: tuple[type[Exception], ...],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_safely(_app_raising(error), args=["fail"]) == code
    err = capsys.readouterr().err
    assert err == f"charter: error: {error}\n"
    assert "Traceback" not in err


def test_a_located_error_reaches_stderr_with_file_line_and_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = SettingsError("[test] epochs must be a whole number", "write `epochs = 3`")
    error.file, error.line = "charter.toml", 5
    assert run_safely(_app_raising(error), args=["fail"]) == 2
    assert capsys.readouterr().err == (
        "charter: error: charter.toml:5: [test] epochs must be a whole number "
        "(write `epochs = 3`)\n"
    )


def test_an_unexpected_exception_stays_an_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_safely(_app_raising(ZeroDivisionError("boom")), args=["fail"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("charter: error: internal error: ZeroDivisionError: boom.")
    assert "Traceback" not in err
