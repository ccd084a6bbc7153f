// The tracker's page: experiments, their runs (sweeps with their trials grouped under them) and, for a sweep, CR
// against top-1 of its trials with the Pareto front. Talks only to this tracker's MLflow REST API.
"use strict";

const API = "api/2.0/mlflow/";
const TOKEN_KEY = "fq-tracker-token";
const REFRESH_MS = 5000;
const SVG_NS = "http://www.w3.org/2000/svg";
const FIRST_METRICS = ["cr", "val_top1", "top1", "top5", "sparsity"];

class Unauthorized extends Error {}

// A token given as ?token= is kept for this tab only and taken out of the address bar, so it is not bookmarked.
(function takeTokenFromAddress() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search + url.hash);
})();

async function api(path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = "Bearer " + token;
  const init = { headers, cache: "no-store" };
  if (body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  if (response.status === 401) throw new Unauthorized();
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${path}: ${json.error_code || response.status} ${json.message || ""}`);
  return json;
}

async function allPages(path, body, field) {
  const items = [];
  let token;
  do {
    const page = await api(path, { ...body, page_token: token });
    items.push(...(page[field] || []));
    token = page.next_page_token || undefined;
  } while (token);
  return items;
}

// ---- small DOM helpers (text only, never HTML, since every string comes from whoever logged it) ----

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function show(id, visible) { document.getElementById(id).hidden = !visible; }

function formatNumber(value) {
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  if (Number.isInteger(number)) return String(number);
  return String(Number(number.toPrecision(4)));
}

function formatTime(ms) {
  if (!ms) return "";
  const d = new Date(Number(ms));
  const two = n => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// ---- runs ----

function tagsOf(run) {
  const tags = {};
  for (const tag of run.data?.tags || []) tags[tag.key] = tag.value;
  return tags;
}

function metricsOf(run) {
  const metrics = {};
  for (const metric of run.data?.metrics || []) metrics[metric.key] = Number(metric.value);
  return metrics;
}

// Per-layer entries would swamp a row; the sweep view and the REST API still have them.
const notPerLayer = key => !key.startsWith("layer.");

function paramsText(run) {
  return (run.data?.params || []).filter(p => notPerLayer(p.key)).map(p => `${p.key}=${p.value}`).join("  ");
}

function metricsText(run) {
  const metrics = metricsOf(run);
  const keys = Object.keys(metrics).filter(notPerLayer)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map(k => `${k}=${formatNumber(metrics[k])}`).join("  ");
}

function rank(key) {
  const i = FIRST_METRICS.indexOf(key);
  return i < 0 ? FIRST_METRICS.length : i;
}

const byName = (a, b) => a.localeCompare(b, undefined, { numeric: true });

// Sweeps first-class: each top-level run, followed by its children (runs whose mlflow.parentRunId names it).
function groupRuns(runs) {
  const byId = new Map(runs.map(r => [r.info.run_id, r]));
  const children = new Map();
  const top = [];
  for (const run of runs) {
    const parent = tagsOf(run)["mlflow.parentRunId"];
    if (parent && byId.has(parent)) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(run);
    } else {
      top.push(run);
    }
  }
  top.sort((a, b) => Number(b.info.start_time) - Number(a.info.start_time) || byName(a.info.run_name, b.info.run_name));
  for (const list of children.values()) list.sort((a, b) => byName(a.info.run_name, b.info.run_name));
  return { top, children };
}

function kindOf(run) {
  const kind = tagsOf(run)["fq.kind"];
  return kind === "sweep" || kind === "trial" ? kind : "run";
}

function runRow(run, experimentId, childCount, isChild) {
  const kind = kindOf(run);
  const name = el("td");
  if (kind === "sweep") {
    name.append(el("a", { href: `#experiment=${encodeURIComponent(experimentId)}&sweep=${encodeURIComponent(run.info.run_id)}`,
      "data-testid": "open-sweep" }, run.info.run_name));
    name.append(el("span", { class: "badge" }, `sweep · ${childCount} trials`));
  } else {
    name.append(run.info.run_name);
  }
  return el("tr", {
    "data-testid": "run", "data-run-id": run.info.run_id, "data-kind": kind,
    "data-parent-run-id": isChild ? tagsOf(run)["mlflow.parentRunId"] : undefined,
    class: isChild ? "child" : kind === "sweep" ? "sweep" : undefined,
  },
  name,
  el("td", { class: `status-${run.info.status}`, "data-testid": "run-status" }, run.info.status),
  el("td", {}, formatTime(run.info.start_time)),
  el("td", { class: "kv" }, paramsText(run)),
  el("td", { class: "kv", "data-testid": "run-metrics" }, metricsText(run)));
}

// ---- Pareto front ----

// Non-dominated points when both x and y are maximised, in ascending x. Points identical to a member are members too.
function paretoFront(points) {
  const sorted = [...points].sort((a, b) => b.x - a.x || b.y - a.y);
  const front = [];
  let last = null;
  for (const p of sorted) {
    if (last === null || p.y > last.y || (p.x === last.x && p.y === last.y)) {
      front.push(p);
      last = p;
    }
  }
  return front.reverse();
}

function niceStep(span, count) {
  const raw = span / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const scaled = raw / magnitude;
  return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * magnitude;
}

function linearTicks(min, max) {
  const step = niceStep(max - min || Math.abs(max) || 1, 5);
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function logTicks(min, max) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * Math.pow(10, e);
      if (t >= min && t <= max) ticks.push(Number(t.toPrecision(12)));
    }
  }
  return ticks.length >= 2 ? ticks : linearTicks(min, max).filter(t => t > 0);
}

function drawPlot(plot, points, front) {
  plot.replaceChildren();
  const width = 720, height = 420, left = 60, right = 20, top = 20, bottom = 50;
  if (points.length === 0) {
    plot.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", "data-testid": "plot-empty" },
      "No finished trial with cr and top1 yet."));
    return;
  }
  const xs = points.map(p => p.x), ys = points.map(p => p.y);
  // Pad the ranges so that no point sits on an axis; log scale for CR, which spans decades in a wide sweep.
  let xMin = Math.min(...xs) / 1.1, xMax = Math.max(...xs) * 1.1;
  let yMin = Math.min(...ys), yMax = Math.max(...ys);
  const yPad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.05 || 0.05;
  yMin -= yPad; yMax += yPad;
  const px = x => left + (Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin)) * (width - left - right);
  const py = y => height - bottom - (y - yMin) / (yMax - yMin) * (height - top - bottom);

  const axes = svg("g", { class: "axis" });
  for (const t of logTicks(xMin, xMax)) {
    axes.append(svg("line", { class: "grid", x1: px(t), x2: px(t), y1: top, y2: height - bottom }));
    axes.append(svg("text", { x: px(t), y: height - bottom + 16, "text-anchor": "middle" }, formatNumber(t)));
  }
  for (const t of linearTicks(yMin, yMax)) {
    axes.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: py(t), y2: py(t) }));
    axes.append(svg("text", { x: left - 6, y: py(t) + 4, "text-anchor": "end" }, formatNumber(t)));
  }
  axes.append(svg("path", { d: `M${left},${top} V${height - bottom} H${width - right}`, fill: "none" }));
  axes.append(svg("text", { x: (left + width - right) / 2, y: height - 12, "text-anchor": "middle" }, "compression ratio (cr, log scale)"));
  axes.append(svg("text", { x: 14, y: (top + height - bottom) / 2, "text-anchor": "middle",
    transform: `rotate(-90 14 ${(top + height - bottom) / 2})` }, "top-1 accuracy (val_top1, else top1)"));
  plot.append(axes);

  // The staircase bounding the region the front dominates: from each member down to the next one's top-1, then across.
  if (front.length > 0) {
    let d = `M${px(front[0].x)},${py(front[0].y)}`;
    for (const p of front.slice(1)) d += ` V${py(p.y)} H${px(p.x)}`;
    plot.append(svg("path", { id: "front-line", "data-testid": "front-line", class: "front-line", d }));
  }
  const members = new Set(front);
  // Members last, so that they are drawn over the others.
  for (const p of [...points].sort((a, b) => members.has(a) - members.has(b))) {
    const member = members.has(p);
    plot.append(svg("circle", {
      class: member ? "point front" : "point", r: member ? 5.5 : 4, cx: px(p.x), cy: py(p.y),
      "data-testid": "point", "data-run-id": p.run.info.run_id, "data-front": String(member),
      "data-cr": String(p.x), "data-top1": String(p.y),
    }, svg("title", {}, `${p.run.info.run_name}: cr ${formatNumber(p.x)}, top-1 ${formatNumber(p.y)}${member ? " (Pareto front)" : ""}`)));
  }
}

// ---- views ----

const state = { experimentId: null, sweepId: null, generation: 0 };

function readHash() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  state.experimentId = params.get("experiment");
  state.sweepId = params.get("sweep");
}

// Each render checks, after its requests, that no newer refresh started meanwhile; a stale answer is dropped.
const stale = generation => generation !== state.generation;

async function renderExperiments(generation) {
  const experiments = await allPages("experiments/search", { max_results: 1000 }, "experiments");
  if (stale(generation)) return null;
  const list = document.getElementById("experiments");
  list.replaceChildren(...experiments.map(e => el("li", {},
    el("a", {
      href: `#experiment=${encodeURIComponent(e.experiment_id)}`, "data-testid": "experiment",
      "data-experiment-id": e.experiment_id, class: e.experiment_id === state.experimentId ? "selected" : undefined,
    }, e.name))));
  return experiments;
}

async function renderExperiment(experiment, generation) {
  const runs = await allPages("runs/search", { experiment_ids: [experiment.experiment_id], max_results: 1000 }, "runs");
  if (stale(generation)) return;
  document.getElementById("experiment-title").textContent = `${experiment.name} (experiment ${experiment.experiment_id})`;
  const { top, children } = groupRuns(runs);
  const rows = [];
  for (const run of top) {
    const kids = children.get(run.info.run_id) || [];
    rows.push(runRow(run, experiment.experiment_id, kids.length, false));
    for (const child of kids) rows.push(runRow(child, experiment.experiment_id, 0, true));
  }
  document.querySelector("#runs tbody").replaceChildren(...rows);
  show("runs-empty", runs.length === 0);
  show("sweep-view", false);
  show("experiment-view", true);
}

async function renderSweep(experiment, generation) {
  const sweep = (await api(`runs/get?run_id=${encodeURIComponent(state.sweepId)}`)).run;
  const filter = `tags.\`mlflow.parentRunId\` = '${state.sweepId.replace(/'/g, "")}'`;
  const trials = await allPages("runs/search",
    { experiment_ids: [experiment.experiment_id], filter, max_results: 1000 }, "runs");
  if (stale(generation)) return;
  document.getElementById("sweep-title").textContent = `Sweep ${sweep.info.run_name}`;
  document.getElementById("sweep-summary").textContent =
    [sweep.info.status, `started ${formatTime(sweep.info.start_time)}`, `${trials.length} trials`, metricsText(sweep), paramsText(sweep)]
      .filter(part => part !== "").join(" · ");
  document.getElementById("back").setAttribute("href", `#experiment=${encodeURIComponent(experiment.experiment_id)}`);

  // fq chooses on validation accuracy (val_top1, held out of the training data); runs without it fall back to top1.
  const points = trials.map(run => ({ run, x: metricsOf(run).cr, y: metricsOf(run).val_top1 ?? metricsOf(run).top1 }))
    .filter(p => Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y));
  const front = paretoFront(points);
  drawPlot(document.getElementById("pareto-plot"), points, front);

  // The sweep keeps fq.pareto current as outcomes arrive; a disagreement means it lags or the data changed.
  const members = new Set(front.map(p => p.run.info.run_id));
  const tagged = points.filter(p => tagsOf(p.run)["fq.pareto"] !== undefined);
  const disagreeing = tagged.filter(p => (tagsOf(p.run)["fq.pareto"] === "true") !== members.has(p.run.info.run_id));
  document.getElementById("pareto-note").textContent =
    `${points.length} of ${trials.length} trials have cr and top1; ${front.length} on the front. ` +
    (tagged.length === 0 ? "No fq.pareto tags yet."
      : disagreeing.length === 0 ? "The fq.pareto tags agree."
      : `The fq.pareto tag disagrees for ${disagreeing.map(p => p.run.info.run_name).sort(byName).join(", ")}.`);

  document.querySelector("#front tbody").replaceChildren(...[...front].reverse().map(p =>
    el("tr", { "data-testid": "front-row", "data-run-id": p.run.info.run_id },
      el("td", {}, p.run.info.run_name), el("td", {}, formatNumber(p.x)), el("td", {}, formatNumber(p.y)),
      el("td", { class: "kv" }, paramsText(p.run)))));
  show("experiment-view", false);
  show("sweep-view", true);
}

async function refresh() {
  const generation = ++state.generation;
  readHash();
  try {
    const experiments = await renderExperiments(generation);
    if (experiments === null) return;
    const experiment = experiments.find(e => e.experiment_id === state.experimentId);
    if (experiment && state.sweepId) await renderSweep(experiment, generation);
    else if (experiment) await renderExperiment(experiment, generation);
    else {
      show("experiment-view", false);
      show("sweep-view", false);
    }
    if (stale(generation)) return;
    show("unauthorized", false);
    show("error", false);
    document.getElementById("status").textContent = `updated ${formatTime(Date.now())}`;
  } catch (e) {
    if (e instanceof Unauthorized) {
      show("unauthorized", true);
    } else {
      const error = document.getElementById("error");
      error.textContent = `Could not load from the tracker: ${e.message}`;
      error.hidden = false;
    }
  }
}

document.getElementById("refresh").addEventListener("click", refresh);
window.addEventListener("hashchange", refresh);
setInterval(() => {
  if (document.getElementById("auto-refresh").checked && !document.hidden) refresh();
}, REFRESH_MS);
refresh();
