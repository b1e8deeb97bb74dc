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
from charter.run._batch import BatchExecutor, batches_of, custom_id, require_batch_api
from charter.run._budget import Budget, estimate, project_prices, token_counter
from charter.run._carry import carry_forward, carry_sources
from charter.run._changed import ChangedSince, base_run, carry, changed_since, only_affected
from charter.run._changed import stored_settings as changed_settings
from charter.run._changed import summary_line as changed_summary
from charter.run._engine import (
    Engine,
    Executor,
    LocalExecutor,
    Progress,
    QuietProgress,
    RunOptions,
    RunOutcome,
    cache_key,
    grade_input,
)
from charter.run._failures import Failures, failures
from charter.run._plan import (
    Challenge,
    PlanError,
    Selection,
    conversation_hash,
    iter_plan,
    message_json,
    plan,
    select_clauses,
)
from charter.run._processes import ProcessExecutor, WorkersError, worker_count
from charter.run._ray import ExecutorUnavailable, RayExecutor, probe, require_ray
from charter.run._replay import replay_challenges
from charter.run._settings import (
    SettingsError,
    TestSettings,
    resolve,
    resumed_settings,
    stored_settings,
)
from charter.run._store import (
    SCHEMA_VERSION,
    RunRecord,
    RunStore,
    RunSummary,
    StoredSample,
    StoreError,
    carried_runs,
    open_store,
    read_samples,
    store_path,
)
from charter.run._system import with_system_prompt

__all__ = [
    "SCHEMA_VERSION",
    "AdaptiveLimiter",
    "Backoff",
    "BatchExecutor",
    "Budget",
    "Challenge",
    "ChangedSince",
    "Engine",
    "Executor",
    "ExecutorUnavailable",
    "Failures",
    "LocalExecutor",
    "PlanError",
    "Price",
    "PriceTableError",
    "ProcessExecutor",
    "Progress",
    "QuietProgress",
    "RayExecutor",
    "RunOptions",
    "RunOutcome",
    "RunRecord",
    "RunStore",
    "RunSummary",
    "Selection",
    "SettingsError",
    "StoreError",
    "StoredSample",
    "TestSettings",
    "WorkersError",
    "base_run",
    "batches_of",
    "cache_key",
    "carried_runs",
    "carry",
    "carry_forward",
    "carry_sources",
    "changed_settings",
    "changed_since",
    "changed_summary",
    "conversation_hash",
    "custom_id",
    "estimate",
    "failures",
    "grade_input",
    "iter_plan",
    "load_prices",
    "message_json",
    "only_affected",
    "open_store",
    "parse_prices",
    "plan",
    "probe",
    "project_prices",
    "read_samples",
    "replay_challenges",
    "require_batch_api",
    "require_ray",
    "resolve",
    "resumed_settings",
    "select_clauses",
    "shipped_prices",
    "store_path",
    "stored_settings",
    "token_counter",
    "with_system_prompt",
    "worker_count",
]
