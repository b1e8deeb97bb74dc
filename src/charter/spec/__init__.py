"""The spec model and the readers that fill it from files.

from charter.spec import load_spec
spec, findings = load_spec("path/to/project")
"""

from charter._source import Span
from charter.spec._config_schema import SCHEMA, config_place, did_you_mean
from charter.spec._markdown import MAX_NESTING, Document, markdown_parser, read_markdown
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
    assemble_spec,
    collector_paused,
    load_config,
    load_project,
    load_prompt_files,
    load_spec,
    read_prompt_file,
    read_source,
    spec_file,
)
from charter.spec._readers import MarkdownSpecReader, Reader, reader_for, readers
from charter.spec._text import modal_words, sentence_bounds, slugify

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
    "assemble_spec",
    "collector_paused",
    "config_place",
    "did_you_mean",
    "load_config",
    "load_project",
    "load_prompt_files",
    "load_spec",
    "markdown_parser",
    "modal_words",
    "read_markdown",
    "read_prompt_file",
    "read_source",
    "reader_for",
    "readers",
    "sentence_bounds",
    "slugify",
    "spec_file",
]
