"""The `charter` command line (typer).

`_app` defines the app and the spec commands; each stage's module registers its own commands on it.
"""

from charter.cli import (
    _build_cmd,  # noqa: F401  (build)
    _checks_cmd,  # noqa: F401  (checks, checks suggest)
    _compose_cmd,  # noqa: F401  (lock, modules, publish)
    _config_cmd,  # noqa: F401  (config)
    _judge_cmd,  # noqa: F401  (precedent, calibrate)
    _lint_cmd,  # noqa: F401  (clarify)
    _lsp_cmd,  # noqa: F401  (lsp)
    _report_cmd,  # noqa: F401  (report)
    _review_cmd,  # noqa: F401  (review)
    _studio_cmd,  # noqa: F401  (studio)
    _test_cmd,  # noqa: F401  (test, runs, show-run)
    _train_cmd,  # noqa: F401  (export, train)
    _version_cmd,  # noqa: F401  (diff, changelog, version, amend)
)
from charter.cli._app import app, main

__all__ = ["app", "main"]
