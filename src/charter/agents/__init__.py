"""Agent instruction files as specs: AGENTS.md, CLAUDE.md, GEMINI.md, Cursor rules and Copilot
instructions, read as clauses with a chain of command and checked by the `A` rules.

from charter.agents import load_instructions, chain_of_command
project = load_instructions(Path("path/to/repo"))
for file in chain_of_command(project.spec, "src/app/main.py", tool="claude"):
    print(file.path)
"""

from charter._glob import matches
from charter.agents._chain import applies, chain_of_command
from charter.agents._discover import SKIPPED_FOLDERS, Discovery, discover
from charter.agents._formats import FORMATS, AgentFormat, format_of, scope_folder
from charter.agents._lock import LOCK_NAME, read_lock, write_lock
from charter.agents._reader import AgentInstructionsReader, read_instructions
from charter.agents._repo import (
    has_instruction_files,
    load_instructions,
    update_lock,
)

__all__ = [
    "FORMATS",
    "LOCK_NAME",
    "SKIPPED_FOLDERS",
    "AgentFormat",
    "AgentInstructionsReader",
    "Discovery",
    "applies",
    "chain_of_command",
    "discover",
    "format_of",
    "has_instruction_files",
    "load_instructions",
    "matches",
    "read_instructions",
    "read_lock",
    "scope_folder",
    "update_lock",
    "write_lock",
]
