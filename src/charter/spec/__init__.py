"""The spec model and the readers that fill it from files.

from charter.spec import load_spec
spec, findings = load_spec("path/to/project")
"""

from charter._source import Span
from charter.spec._config_schema import SCHEMA, config_place, did_you_mean
from charter.spec._markdown import MAX_NESTING, Document
from charter.spec._model import (
    LEGACY_AUTHORITIES,
    Authority,
    Clause,
    Commentary,
    Comparison,
    CrossRef,
    Example,
    InstructionFile,
    Label,
    Module,
    PromptFile,
    Reply,
    Section,
    Spec,
    SpecFile,
    Turn,
)
from charter.spec._project import (
    CONFIG_NAME,
    Project,
    ProjectConfig,
    SpecLoadError,
    load_config,
    load_project,
    load_spec,
)
from charter.spec._readers import MarkdownSpecReader, Reader, readers

__all__ = [
    "CONFIG_NAME",
    "LEGACY_AUTHORITIES",
    "MAX_NESTING",
    "SCHEMA",
    "Authority",
    "Clause",
    "Commentary",
    "Comparison",
    "CrossRef",
    "Document",
    "Example",
    "InstructionFile",
    "Label",
    "MarkdownSpecReader",
    "Module",
    "Project",
    "ProjectConfig",
    "PromptFile",
    "Reader",
    "Reply",
    "Section",
    "Span",
    "Spec",
    "SpecFile",
    "SpecLoadError",
    "Turn",
    "config_place",
    "did_you_mean",
    "load_config",
    "load_project",
    "load_spec",
    "readers",
]
