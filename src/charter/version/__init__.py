"""Versions and amendments: the semantic diff of two specs, semver for specs, changelogs and
amendment proposals.

from charter.version import diff_specs, affected_clauses
diff = diff_specs(old_spec, new_spec)
diff.bump            # Bump.MAJOR / MINOR / PATCH / NONE
affected_clauses(diff)
"""

from charter.version._affected import affected_clauses, affected_sections
from charter.version._amend_apply import Applied, apply_amendment, plan_edits
from charter.version._amend_check import check_against_spec, check_conflicts
from charter.version._amend_format import (
    AMENDMENTS_DIR,
    Amendment,
    Delta,
    Op,
    Problem,
    parse_amendment,
)
from charter.version._amend_run import amendment_path, apply_named, check_amendments
from charter.version._changelog import changelog_entry
from charter.version._diff import Change, Kind, SpecDiff, diff_specs
from charter.version._errors import VersionError
from charter.version._frontmatter import content_hash, find_version_line, replace_version
from charter.version._git import last_tag, load_spec_at, repository_root
from charter.version._render import render_json, render_text
from charter.version._semver import Bump, CalendarVersion, Version, parse_version
from charter.version._status import Verdict, VersionStatus, diff_sides, load_side, version_status

__all__ = [
    "AMENDMENTS_DIR",
    "Amendment",
    "Applied",
    "Bump",
    "CalendarVersion",
    "Change",
    "Delta",
    "Kind",
    "Op",
    "Problem",
    "SpecDiff",
    "Verdict",
    "Version",
    "VersionError",
    "VersionStatus",
    "affected_clauses",
    "affected_sections",
    "amendment_path",
    "apply_amendment",
    "apply_named",
    "changelog_entry",
    "check_against_spec",
    "check_amendments",
    "check_conflicts",
    "content_hash",
    "diff_sides",
    "diff_specs",
    "find_version_line",
    "last_tag",
    "load_side",
    "load_spec_at",
    "parse_amendment",
    "parse_version",
    "plan_edits",
    "render_json",
    "render_text",
    "replace_version",
    "repository_root",
    "version_status",
]
