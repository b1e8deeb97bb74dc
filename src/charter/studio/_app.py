"""The studio's routes (starlette): server-rendered pages, forms for every write."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from charter.studio._workspace import EXTRA_HINT, StudioError

try:  # the `studio` extra
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
except ImportError as missing:
    raise StudioError(f"{EXTRA_HINT} ({missing.name} is missing)") from None

from charter.report import comparison_rows, render_html
from charter.review import ReviewError, adjudicate
from charter.run import StoreError
from charter.spec import SpecLoadError
from charter.studio import _clarify_view as clarify
from charter.studio._conflicts_view import conflicts, resolve
from charter.studio._runs_view import comparison, queue_view, run_view, runs_view
from charter.studio._security import CSRF_FIELD, Guard, Secrets
from charter.studio._spec_view import open_store, spec_view
from charter.studio._workspace import EditConflict, StudioError, Workspace, digest

STATIC = Path(__file__).parent / "static"
SCREENS: tuple[tuple[str, str], ...] = (
    ("spec", "Spec"),
    ("clarify", "Clarify"),
    ("review", "Review"),
    ("runs", "Runs"),
    ("conflicts", "Conflicts"),
)
Handler = Callable[[Request], Awaitable[Response]]


def _rate(tally: Any) -> str:
    rate = None if tally is None else tally.pass_rate
    return "n/a" if rate is None else f"{rate:.0%}"


def _interval(tally: Any) -> str:
    interval = None if tally is None else tally.interval
    return "" if interval is None else f"[{interval[0]:.2f}, {interval[1]:.2f}]"


class Studio:
    """The pages of one project, with the secrets that guard them."""

    def __init__(self, workspace: Workspace, keys: Secrets) -> None:
        self.workspace = workspace
        self.keys = keys
        self.flashes: dict[str, str] = {}
        self.env = Environment(
            loader=PackageLoader("charter.studio", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.env.filters["rate"] = _rate
        self.env.filters["interval"] = _interval

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        flash = self.flashes.pop(request.query_params.get("flash", ""), None)
        text = self.env.get_template(f"{name}.html").render(
            screens=SCREENS,
            current=name,
            csrf_field=CSRF_FIELD,
            csrf=self.keys.csrf,
            project=self.workspace.root.name,
            flash=flash,
            **context,
        )
        return HTMLResponse(text, status_code=status)

    def redirect(self, path: str, message: str, **query: str) -> Response:
        key = secrets.token_urlsafe(8)
        self.flashes[key] = message
        return RedirectResponse(f"{path}?{urlencode({**query, 'flash': key})}", status_code=303)

    def failed(self, request: Request, error: Exception, status: int = 400) -> Response:
        return self.page(request, "error", status=status, error=str(error))

    # Spec

    async def spec(self, request: Request) -> Response:
        return self.page(request, "spec", view=spec_view(self.workspace))

    async def edit(self, request: Request) -> Response:
        path = request.query_params.get("file", "")
        text = self.workspace.read(path)
        return self.page(request, "edit", path=path, text=text, digest=digest(text))

    async def save(self, request: Request) -> Response:
        form = await _form(request)
        try:
            self.workspace.save(form["file"], form["text"], form["digest"])
        except EditConflict as error:
            return self.page(request, "error", 409, error=str(error), kept=form["text"])
        return self.redirect("/spec", f"{form['file']} saved")

    # Clarify

    async def clarify(self, request: Request) -> Response:
        return self.page(
            request,
            "clarify",
            questions=clarify.open_questions(self.workspace)[:30],
            disagreements=clarify.disagreements(self.workspace),
        )

    async def clarify_preview(self, request: Request) -> Response:
        form = await _form(request)
        form["choice"] = form["free"].strip() or form["choice"]
        answer = clarify.answer_for(
            self.workspace, form["question"], form["choice"], form["definition"]
        )
        diff = clarify.preview_answer(self.workspace, answer)
        can_amend = True
        try:
            clarify.new_sentence(answer)
        except StudioError:
            can_amend = False
        return self.page(
            request, "preview", form=form, diff=diff, answer=answer, can_amend=can_amend
        )

    async def clarify_apply(self, request: Request) -> Response:
        form = await _form(request)
        answer = clarify.answer_for(
            self.workspace, form["question"], form["choice"], form["definition"]
        )
        if form["mode"] == "amendment":
            clause_id, sentence = clarify.new_sentence(answer)
            why = f"{answer.question.text} Answer: {answer.label}"
            said = clarify.propose_amendment(self.workspace, clause_id, sentence, why)
        else:
            said = clarify.apply_answer(self.workspace, answer)
        return self.redirect("/clarify", said)

    async def clarify_judge(self, request: Request) -> Response:
        form = await _form(request)
        found = clarify.disagreements(self.workspace)
        index = int(form["index"]) if form["index"].isdigit() else -1
        if not 0 <= index < len(found):
            raise StudioError("that disagreement is gone; reload the page")
        item = found[index]
        if form["choice"] == "judge":
            return self.redirect("/clarify", clarify.accept_judge(self.workspace, item))
        clause_id, sentence = form["clause"], form["sentence"]
        if not sentence.strip():
            raise StudioError("type the new wording of the clause")
        if form["mode"] == "preview":
            diff = clarify.amendment_preview(self.workspace, clause_id, sentence)
            return self.page(request, "sentence_preview", form=form, diff=diff)
        if form["mode"] == "amendment":
            why = f"{item.grader} read [^{clause_id}] otherwise than precedent {item.precedent}."
            said = clarify.propose_amendment(self.workspace, clause_id, sentence, why)
        else:
            said = clarify.apply_sentence(self.workspace, clause_id, sentence)
        return self.redirect("/clarify", said)

    # Review

    async def review(self, request: Request) -> Response:
        run_id = request.query_params.get("run")
        if not run_id:
            return self.page(request, "review_runs", view=runs_view(self.workspace))
        view = queue_view(self.workspace, run_id)
        return self.page(request, "review", view=view, item=view.items[0] if view.items else None)

    async def verdict(self, request: Request) -> Response:
        form = await _form(request)
        run_id = request.path_params["run"]
        sample = int(request.path_params["sample"])
        with open_store(self.workspace.root) as store:
            if store is None:
                raise StudioError("no runs recorded yet")
            done = adjudicate(
                self.workspace.root, store, run_id, sample, form["verdict"], form["reason"]
            )
        self.workspace.forget()
        said = (
            f"sample {sample}: {done.verdict}; {done.item.clause_id} pass rate "
            f"{_rate(done.before)} -> {_rate(done.after)}; precedent "
            f"{done.precedent.relative_to(self.workspace.root)}"
        )
        return self.redirect("/review", said, run=run_id)

    # Runs

    async def runs(self, request: Request) -> Response:
        return self.page(request, "runs", view=runs_view(self.workspace))

    async def run(self, request: Request) -> Response:
        query = request.query_params
        view = run_view(
            self.workspace, request.path_params["run"], query.get("page"), query.get("clause")
        )
        return self.page(request, "run", view=view)

    async def report_page(self, request: Request) -> Response:
        view = run_view(self.workspace, request.path_params["run"])
        return HTMLResponse(render_html(view.report))

    async def compare(self, request: Request) -> Response:
        query = request.query_params
        models = query.get("by") == "model"
        found = comparison(self.workspace, query.get("a", ""), query.get("b", ""), models=models)
        return self.page(request, "compare", comparison=found, rows=comparison_rows(found))

    # Conflicts

    async def conflicts(self, request: Request) -> Response:
        return self.page(request, "conflicts", report=conflicts(self.workspace))

    async def resolve(self, request: Request) -> Response:
        form = await _form(request)
        found = resolve(self.workspace, form["first"], form["second"], form["decision"], form["by"])
        return self.redirect("/conflicts", f"[^{found.first.id}] and [^{found.second.id}] resolved")


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded form; a missing field reads as empty."""
    data = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)

    class Form(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return ""

    return Form({key: values[0] for key, values in data.items()})


def _guarded(studio: Studio, handler: Handler) -> Handler:
    """Expected failures as a page with the message, never a traceback."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except (StudioError, ReviewError, StoreError, SpecLoadError) as error:
            return studio.failed(request, error)

    return run


def create_app(root: Path, keys: Secrets, hosts: set[str]) -> Guard:
    """The studio for the project at `root`, behind its token and CSRF checks. The project is
    read (and checked) here, before the server listens: the first page only renders it."""
    workspace = Workspace(root)
    workspace.loaded()
    studio = Studio(workspace, keys)
    pages: list[tuple[str, Handler, list[str]]] = [
        ("/", lambda request: _to_spec(), ["GET"]),
        ("/favicon.ico", lambda request: _no_icon(), ["GET"]),
        ("/spec", studio.spec, ["GET"]),
        ("/spec/edit", studio.edit, ["GET"]),
        ("/spec/save", studio.save, ["POST"]),
        ("/clarify", studio.clarify, ["GET"]),
        ("/clarify/preview", studio.clarify_preview, ["POST"]),
        ("/clarify/apply", studio.clarify_apply, ["POST"]),
        ("/clarify/judge", studio.clarify_judge, ["POST"]),
        ("/review", studio.review, ["GET"]),
        ("/review/{run}/{sample:int}", studio.verdict, ["POST"]),
        ("/runs", studio.runs, ["GET"]),
        ("/runs/{run}", studio.run, ["GET"]),
        ("/runs/{run}/report.html", studio.report_page, ["GET"]),
        ("/compare", studio.compare, ["GET"]),
        ("/conflicts", studio.conflicts, ["GET"]),
        ("/conflicts/resolve", studio.resolve, ["POST"]),
    ]
    routes: list[Route | Mount] = [
        Route(path, _guarded(studio, handler), methods=methods) for path, handler, methods in pages
    ]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    app = Starlette(routes=routes)
    app.state.studio = studio
    return Guard(app, keys, hosts)


async def _to_spec() -> Response:
    return RedirectResponse("/spec", status_code=303)


async def _no_icon() -> Response:
    return Response(status_code=204)
