// Draws the Charter run report from the JSON block #charter-data.
// Every piece of run, model or spec text goes into the page through textContent or
// setAttribute, never through an HTML parser.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("charter-data").textContent);
  const VERDICTS = ["comply", "violate", "needs_review", "not_applicable", "error"];
  const LABELS = {
    comply: "comply",
    violate: "violate",
    needs_review: "needs review",
    not_applicable: "not applicable",
    error: "error",
  };
  const FAILURES = new Set(["violate", "error"]);
  const OPEN_LIMIT = 300;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function percent(value) {
    return value === null || value === undefined ? "n/a" : (value * 100).toFixed(1) + "%";
  }

  function interval(pair) {
    return pair ? "[" + pair[0].toFixed(2) + ", " + pair[1].toFixed(2) + "]" : "";
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  function verdictOf(sample) {
    return VERDICTS.includes(sample.verdict) ? sample.verdict : "needs_review";
  }

  // run metadata

  function parameters(settings) {
    const parts = [];
    for (const [key, value] of Object.entries(settings || {})) {
      if (value === null || value === undefined) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      parts.push(key + "=" + (typeof value === "object" ? JSON.stringify(value) : String(value)));
    }
    return parts.join(", ") || "defaults";
  }

  function systemText(settings) {
    if (settings.system === undefined) return "not recorded";
    return settings.system + (settings.system_prompt ? " " + settings.system_prompt : "");
  }

  function totalsText(tally) {
    return (
      tally.total + " samples, " + tally.n + " graded, " + tally.passed + " passed (" +
      percent(tally.pass_rate) + (tally.interval ? " " + interval(tally.interval) : "") + "), " +
      tally.needs_review + " need review, " + tally.not_applicable + " not applicable, " +
      tally.errors + " errors"
    );
  }

  function drawMeta() {
    const run = data.run;
    document.getElementById("title").textContent = "Charter run " + run.run_id;
    const list = document.getElementById("meta-list");
    const rows = [
      ["Run", run.run_id + " (" + run.status + ")"],
      [(run.models || []).length > 1 ? "Models" : "Model", (run.models || [run.model]).join(", ")],
      ["Grader", run.grader || "checks only (no judge)"],
      ["System prompt", systemText(run.settings || {})],
      ["Date", run.created + (run.finished ? " to " + run.finished : "")],
      ["Spec", run.project],
      ["Parameters", parameters(run.settings)],
      ["Totals", totalsText(data.totals) + " of " + run.planned + " planned"],
    ];
    if (run.carried) {
      rows.push([
        "Carried",
        run.carried + " samples carried from run " + (run.carried_from_runs || []).join(", ") +
          " (unchanged clauses, not run again)",
      ]);
    }
    if (run.interval_note) rows.push(["Intervals", run.interval_note]);
    for (const [name, value] of rows) {
      list.append(el("dt", "", name), el("dd", "", value));
    }
  }

  // judge calibration (optional)

  function drawCalibration() {
    const found = data.calibration;
    if (!found) return;
    const section = document.getElementById("calibration");
    const body = document.getElementById("calibration-body");
    section.hidden = false;
    body.append(el("p", "note", "From " + found.path));
    if (found.problem) {
      body.append(el("p", "problem", "Calibration file " + found.problem));
      return;
    }
    const facts = el("dl", "calibration-facts");
    const shown = [
      ["Accuracy", isNumber(found.accuracy) ? percent(found.accuracy) : "not given"],
      ["Cohen's kappa", isNumber(found.kappa) ? found.kappa.toFixed(3) : "not given"],
    ];
    if (isNumber(found.n)) shown.push(["Precedents", String(found.n)]);
    if (typeof found.reliable === "boolean") {
      shown.push(["Reliable", found.reliable ? "yes" : "no: its verdicts are left for review"]);
    }
    for (const [name, value] of shown) facts.append(el("dt", "", name), el("dd", "", value));
    body.append(facts);
    if (Array.isArray(found.labels) && Array.isArray(found.matrix)) {
      const table = el("table", "confusion");
      table.append(el("caption", "", "Confusion matrix: rows reference verdict, columns judge verdict"));
      const head = el("tr");
      head.append(el("th", "", "reference \\ judge"));
      for (const label of found.labels) head.append(el("th", "", label));
      table.append(head);
      found.matrix.forEach(function (row, index) {
        const line = el("tr");
        line.append(el("th", "", found.labels[index]));
        for (const cell of row) line.append(el("td", "", cell));
        table.append(line);
      });
      body.append(table);
    }
  }

  // models side by side (a run of several models)

  function modelCell(tally) {
    if (!tally) return "-";
    if (tally.pass_rate === null) return tally.needs_review ? "n/a (" + tally.needs_review + " to review)" : "n/a";
    return percent(tally.pass_rate) + " " + interval(tally.interval) + " n=" + tally.n;
  }

  function drawModels() {
    const found = data.models;
    if (!found) return;
    document.getElementById("models").hidden = false;
    const table = document.getElementById("models-table");
    const head = el("tr");
    head.append(el("th", "", "clause"));
    for (const model of found.models) head.append(el("th", "", model));
    head.append(el("th", "", "difference"));
    table.append(head);
    for (const row of found.clauses.concat([found.total])) {
      const line = el("tr", row.differs ? "differs" : "");
      line.dataset.clause = row.clause;
      line.append(el("th", "", row.clause));
      for (const model of found.models) {
        const cell = el("td", row.best.includes(model) ? "best" : "", modelCell(row.models[model]));
        cell.dataset.model = model;
        line.append(cell);
      }
      line.append(el("td", "mark", row.differs ? "differs" + (row.separated ? " *" : "") : ""));
      table.append(line);
    }
  }

  // clause bars

  const bars = new Map();

  function drawBars() {
    const holder = document.getElementById("bars");
    for (const clause of data.clauses) {
      const row = el("div", "bar-row" + (clause.n ? "" : " ungraded"));
      row.dataset.clause = clause.id;
      row.dataset.authority = clause.authority || "none";
      const label = el("div", "bar-label", clause.id);
      label.append(el("span", "authority", clause.authority || "no authority"));
      const track = el("div", "track");
      track.setAttribute("role", "img");
      const fill = el("div", "fill");
      fill.style.width = ((clause.pass_rate || 0) * 100).toFixed(2) + "%";
      track.append(fill);
      if (clause.interval) {
        const band = el("div", "ci");
        band.style.left = (clause.interval[0] * 100).toFixed(2) + "%";
        band.style.width = ((clause.interval[1] - clause.interval[0]) * 100).toFixed(2) + "%";
        track.append(band);
      }
      const summary = clause.n
        ? clause.passed + "/" + clause.n + " passed, " + percent(clause.pass_rate) + " " +
          interval(clause.interval)
        : "not graded";
      const text = el(
        "div",
        "bar-text",
        summary + " · " + clause.needs_review + " need review · " + clause.errors + " errors" +
          (clause.carried ? " · " + clause.carried + " carried" : "")
      );
      track.setAttribute("aria-label", clause.id + ": " + text.textContent);
      row.append(label, track, text);
      holder.append(row);
      bars.set(clause.id, row);
    }
  }

  // samples, grouped by clause

  const entries = [];
  const groups = [];

  function stepText(step) {
    if (step.type === "tool_call") return step.name + "(" + JSON.stringify(step.arguments || {}) + ")";
    if (step.type === "tool_result") return (step.name || step.id || "") + " → " + String(step.content ?? "");
    if (step.type === "file") return (step.action || "write") + " " + step.path;
    if (step.type === "command") return "$ " + step.command + (isNumber(step.exit_code) ? "  (exit " + step.exit_code + ")" : "");
    if (step.type === "final") return String(step.text ?? "");
    return (step.role ? step.role + ": " : "") + String(step.content ?? "");
  }

  function drawTrajectory(steps) {
    const box = el("details", "trajectory");
    box.open = true;
    box.append(el("summary", "", "Trajectory (" + steps.length + " steps)"));
    const list = el("ol", "steps");
    for (const step of steps) {
      const item = el("li", "step step-" + step.type);
      item.append(el("span", "part-label", step.type.replace("_", " ")), el("pre", "", stepText(step)));
      list.append(item);
    }
    box.append(list);
    return box;
  }

  function drawTurn(turn) {
    const role = String(turn.role || "unknown");
    const box = el("div", "turn role-" + role.replace(/[^a-z]/gi, ""));
    box.append(el("span", "role", role), el("pre", "", turn.content));
    return box;
  }

  function drawSample(sample) {
    const verdict = verdictOf(sample);
    const article = el("article", "sample");
    article.dataset.verdict = verdict;
    const head = el("div", "sample-head");
    head.append(el("span", "title", sample.title));
    head.append(el("span", "badge v-" + verdict, sample.verdict ? LABELS[verdict] : "ungraded"));
    const facts = ["prompt " + sample.prompt, "epoch " + sample.epoch];
    if ((data.run.models || []).length > 1) facts.unshift(sample.model);
    if (sample.grader) facts.push("graded by " + sample.grader);
    if (isNumber(sample.confidence)) facts.push("confidence " + sample.confidence.toFixed(2));
    if (isNumber(sample.latency)) facts.push(sample.latency.toFixed(2) + " s");
    if (sample.cached) facts.push("cached");
    head.append(el("span", "facts", facts.join(" · ")));
    if (sample.carried_from_run) {
      article.dataset.carried = "true";
      head.append(el("span", "carried", "carried from run " + sample.carried_from_run));
    }
    article.append(head);
    const conversation = el("details", "conversation");
    conversation.open = true;
    conversation.append(el("summary", "", "Conversation (" + sample.conversation.length + " turns)"));
    for (const turn of sample.conversation) conversation.append(drawTurn(turn));
    article.append(conversation);
    if (sample.trajectory) article.append(drawTrajectory(sample.trajectory));
    const reply = el("div", "reply");
    reply.append(el("span", "part-label", "reply"));
    reply.append(el("pre", "reply-text", sample.reply === null ? "(no reply)" : sample.reply));
    article.append(reply);
    if (sample.error) {
      const problem = el("div", "problem");
      problem.append(el("span", "part-label", "error"), el("pre", "", sample.error));
      article.append(problem);
    }
    if (sample.rationale) {
      const why = el("div", "rationale");
      why.append(el("span", "part-label", "rationale"), el("pre", "", sample.rationale));
      article.append(why);
    }
    return article;
  }

  function drawGroups() {
    const holder = document.getElementById("groups");
    const byClause = new Map();
    for (const clause of data.clauses) byClause.set(clause.id, { clause: clause, samples: [] });
    for (const sample of data.samples) {
      if (!byClause.has(sample.clause)) {
        byClause.set(sample.clause, { clause: { id: sample.clause, authority: null, text: "" }, samples: [] });
      }
      byClause.get(sample.clause).samples.push(sample);
    }
    const open = data.samples.length <= OPEN_LIMIT;
    for (const { clause, samples } of byClause.values()) {
      if (samples.length === 0) continue;
      const authority = clause.authority || "none";
      const group = el("details", "clause-group");
      group.dataset.clause = clause.id;
      group.dataset.authority = authority;
      group.open = open;
      const summary = el("summary", "", clause.id);
      const counts = {};
      for (const sample of samples) counts[verdictOf(sample)] = (counts[verdictOf(sample)] || 0) + 1;
      const omitted = clause.omitted || 0;
      if (omitted > 0) {
        // the page holds part of this clause's samples: the counts are the clause's own
        counts.comply = clause.passed;
        counts.violate = clause.failed;
        counts.needs_review = clause.needs_review;
        counts.not_applicable = clause.not_applicable;
        counts.error = clause.errors;
      }
      const countText = VERDICTS.filter((v) => counts[v]).map((v) => counts[v] + " " + LABELS[v]);
      summary.append(
        el("span", "counts", (clause.authority || "no authority") + " · " + (samples.length + omitted) +
          " samples · " + countText.join(", "))
      );
      group.append(summary);
      if (clause.text) group.append(el("div", "clause-text", clause.text));
      if (omitted > 0) {
        const note = el("p", "omitted", "This page shows " + samples.length + " of the clause's " +
          (samples.length + omitted) + " samples, those that did not pass first. All of them: ");
        note.append(el("code", "", "charter report " + data.run.run_id + " --clause " + clause.id));
        group.append(note);
      }
      const record = { node: group, clause: clause.id, authority: authority, visible: 0 };
      groups.push(record);
      for (const sample of samples) {
        const node = drawSample(sample);
        group.append(node);
        const prompt = sample.conversation.map((turn) => turn.content).join("\n");
        entries.push({
          node: node,
          group: record,
          verdict: verdictOf(sample),
          haystack: (clause.id + "\n" + sample.title + "\n" + prompt).toLowerCase(),
        });
      }
      holder.append(group);
    }
  }

  // filters

  const verdictOn = new Set(VERDICTS);

  function drawFilters() {
    const select = document.getElementById("filter-authority");
    const authorities = [...new Set(data.clauses.map((c) => c.authority || "none"))];
    select.append(new Option("all", ""));
    for (const authority of authorities) select.append(new Option(authority, authority));
    select.addEventListener("change", apply);
    const verdicts = document.getElementById("filter-verdicts");
    for (const verdict of VERDICTS) {
      const button = el("button", "verdict-filter", LABELS[verdict]);
      button.type = "button";
      button.dataset.verdict = verdict;
      button.setAttribute("aria-pressed", "true");
      button.addEventListener("click", function () {
        if (verdictOn.has(verdict)) verdictOn.delete(verdict);
        else verdictOn.add(verdict);
        button.setAttribute("aria-pressed", String(verdictOn.has(verdict)));
        apply();
      });
      verdicts.append(button);
    }
    document.getElementById("filter-failures").addEventListener("change", apply);
    document.getElementById("filter-search").addEventListener("input", apply);
    document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
    document.getElementById("expand-all").addEventListener("click", () => openAll(true));
    document.getElementById("collapse-all").addEventListener("click", () => openAll(false));
  }

  function openAll(open) {
    for (const group of groups) if (!group.node.hidden) group.node.open = open;
  }

  function apply() {
    const authority = document.getElementById("filter-authority").value;
    const failuresOnly = document.getElementById("filter-failures").checked;
    const query = document.getElementById("filter-search").value.trim().toLowerCase();
    for (const group of groups) group.visible = 0;
    let shown = 0;
    for (const entry of entries) {
      const visible =
        (!authority || entry.group.authority === authority) &&
        verdictOn.has(entry.verdict) &&
        (!failuresOnly || FAILURES.has(entry.verdict)) &&
        (!query || entry.haystack.includes(query));
      entry.node.hidden = !visible;
      if (visible) {
        entry.group.visible += 1;
        shown += 1;
      }
    }
    const filtering = Boolean(authority || failuresOnly || query || verdictOn.size < VERDICTS.length);
    for (const group of groups) {
      group.node.hidden = group.visible === 0;
      if (filtering && group.visible > 0 && entries.length <= OPEN_LIMIT) group.node.open = true;
    }
    for (const clause of data.clauses) {
      const bar = bars.get(clause.id);
      const group = groups.find((g) => g.clause === clause.id);
      const byAuthority = !authority || (clause.authority || "none") === authority;
      bar.hidden = !byAuthority || (filtering && (!group || group.visible === 0));
    }
    document.getElementById("shown").textContent =
      "Showing " + shown + " of " + entries.length + " samples";
  }

  drawMeta();
  drawCalibration();
  drawModels();
  drawBars();
  drawGroups();
  drawFilters();
  apply();
})();
