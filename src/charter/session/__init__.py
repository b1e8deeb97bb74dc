"""Sessions over a spec project that the command line, the studio and the language server all
drive: a test run with progress events and cancellation.

    run = TestRun("examples/helpdesk", TestOptions(model="local:smollm2", select=["concise"]))
    for event in run.events():
        ...
    run.result.gate.passed
"""

from charter.session._adjudicate import (
    Adjudicated,
    AdjudicationError,
    adjudicate,
    import_examples,
)
from charter.session._events import (
    Done,
    Listener,
    Notice,
    Planned,
    RunEvent,
    SampleFinished,
    SampleGraded,
    SampleStarted,
)
from charter.session._grade import grade_reply
from charter.session._test import DryRun, TestOptions, TestResult, TestRun

__all__ = [
    "Adjudicated",
    "AdjudicationError",
    "Done",
    "DryRun",
    "Listener",
    "Notice",
    "Planned",
    "RunEvent",
    "SampleFinished",
    "SampleGraded",
    "SampleStarted",
    "TestOptions",
    "TestResult",
    "TestRun",
    "adjudicate",
    "grade_reply",
    "import_examples",
]
