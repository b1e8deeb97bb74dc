"""Running a spec's challenge prompts against a model: plan, engine, store, budget.

plan(spec, Selection(...)) -> challenges; RunStore.create_run(...) -> run id;
Engine(store, run_id, provider, GradingPolicy(...), RunOptions(...)).run() -> RunOutcome.
"""

from charter.model import (
    AdaptiveLimiter,
    Backoff,
    Price,
    PriceTableError,
    load_prices,
    parse_prices,
    shipped_prices,
)
from charter.run._budget import Budget, estimate, project_prices, token_counter
from charter.run._carry import carry_forward, carry_sources
from charter.run._engine import (
    Engine,
    Executor,
    LocalExecutor,
    Progress,
    QuietProgress,
    RunOptions,
    RunOutcome,
    cache_key,
)
from charter.run._plan import (
    Challenge,
    PlanError,
    Selection,
    conversation_hash,
    message_json,
    plan,
    select_clauses,
)
from charter.run._ray import ExecutorUnavailable, RayExecutor
from charter.run._store import (
    SCHEMA_VERSION,
    RunRecord,
    RunStore,
    RunSummary,
    StoredSample,
    StoreError,
    open_store,
    store_path,
)
from charter.run._system import with_system_prompt

__all__ = [
    "SCHEMA_VERSION",
    "AdaptiveLimiter",
    "Backoff",
    "Budget",
    "Challenge",
    "Engine",
    "Executor",
    "ExecutorUnavailable",
    "LocalExecutor",
    "PlanError",
    "Price",
    "PriceTableError",
    "Progress",
    "QuietProgress",
    "RayExecutor",
    "RunOptions",
    "RunOutcome",
    "RunRecord",
    "RunStore",
    "RunSummary",
    "Selection",
    "StoreError",
    "StoredSample",
    "cache_key",
    "carry_forward",
    "carry_sources",
    "conversation_hash",
    "estimate",
    "load_prices",
    "message_json",
    "open_store",
    "parse_prices",
    "plan",
    "project_prices",
    "select_clauses",
    "shipped_prices",
    "store_path",
    "token_counter",
    "with_system_prompt",
]
