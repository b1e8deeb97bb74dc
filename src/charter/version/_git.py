"""Read a spec as it was at a git revision, by exporting it into a temporary folder."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from charter.spec import Spec, load_spec
from charter.version._errors import VersionError


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise VersionError("git is not installed (needed to read a revision)") from None


def repository_root(path: Path) -> Path:
    """The top folder of the git work tree holding `path`."""
    folder = path if path.is_dir() else path.parent
    if not folder.exists():
        raise VersionError(f"{path}: no such file or directory (check the path)")
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        raise VersionError(
            f"{path}: not inside a git repository (give two folders instead of revisions)"
        )
    return Path(done.stdout.decode().strip())


def resolve(root: Path, revision: str) -> str:
    """The commit id `revision` names; VersionError when it names none."""
    done = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    if done.returncode != 0 or revision.startswith("-"):
        raise VersionError(
            f"`{revision}`: unknown revision in {root} (give a tag, branch or commit; "
            "`git tag` lists tags)"
        )
    return done.stdout.decode().strip()


def last_tag(root: Path) -> str | None:
    """The nearest tag reachable from HEAD, if any."""
    done = _git(["describe", "--tags", "--abbrev=0"], root)
    return done.stdout.decode().strip() if done.returncode == 0 else None


def relative_in_repository(path: Path) -> tuple[Path, str]:
    """The repository root and `path` relative to it (`.` for the root itself)."""
    root = repository_root(path)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise VersionError(f"{path}: outside the git repository at {root}") from None
    return root, rel or "."


def load_spec_at(path: Path, revision: str) -> Spec:
    """Load the spec at `path` as it was in `revision` of its git repository."""
    root, rel = relative_in_repository(path)
    commit = resolve(root, revision)
    args = ["archive", "--format=tar", commit]
    if rel != ".":
        args += ["--", rel]
    done = _git(args, root)
    if done.returncode != 0:
        raise VersionError(
            f"{path}: not present at revision {revision} ({commit[:10]}); "
            "check the path and the revision"
        )
    with tempfile.TemporaryDirectory(prefix="charter-rev-") as folder:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(folder, filter="data")
        target = Path(folder) / rel
        if not target.exists():
            raise VersionError(f"{path}: not present at revision {revision} ({commit[:10]})")
        spec, _ = load_spec(target)
    return spec
