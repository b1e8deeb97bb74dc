"""Charter: specifications of AI behaviour as source code."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("charter-spec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
