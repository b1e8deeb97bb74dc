"""The spec model and the readers that fill it from files.

from charter.spec import load_spec
spec, findings = load_spec("path/to/project")
"""

from charter._source import Span
from charter.spec._markdown import Document
from charter.spec._model import (
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
    Project,
    ProjectConfig,
    SpecLoadError,
    load_config,
    load_project,
    load_spec,
)
from charter.spec._readers import MarkdownSpecReader, Reader, readers

__all__ = [
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
    "load_config",
    "load_project",
    "load_spec",
    "readers",
]
