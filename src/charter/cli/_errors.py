"""The command line's error handling lives in `charter._exits`; this name stays for callers."""

from charter._exits import run_safely

__all__ = ["run_safely"]
