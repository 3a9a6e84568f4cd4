// BiasSim explorer: the page's state lives in its address (?scenario=&seed=&replicates=&set=path=value...), every
// control edits that state, and the server (the same Core as `biassim run`) computes the numbers shown.
"use strict";

const $ = (id) => document.getElementById(id);
const app = $("app");
const OUTCOMES = [
  ["correct", "correct"], ["misestimated", "misestimated"], ["wrong-direction", "wrong direction"],
  ["missed", "missed"], ["false-alarm", "false alarm"], ["not-measurable", "not measurable"],
];
const DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 5", "12 2"];
const MARKERS = ["circle", "square", "triangle", "diamond", "cross", "circle", "square"];
// Illustrative mechanism presets: the page says so, and the downloaded YAML shows them in full.
const RECORDING_RATIOS = [0.8, 0.6, 0.7, 0.5, 0.9, 0.75, 0.65];
const REGION_SHARES = [0.4, 0.55, 0.6, 0.65, 0.75, 0.5, 0.7];

const state = readAddress();
let facts = null;
let runController = null;
let powerController = null;
let changedAt = 0;
let powerTimer = 0;
// The power curve (nine runs) waits until the controls rest, so it never competes with the results of the next change.
const POWER_DELAY_MS = 400;

function readAddress() {
  const q = new URLSearchParams(location.search);
  const sets = [];
  for (const s of q.getAll("set")) {
    const eq = s.indexOf("=");
    if (eq > 0) sets.push([s.slice(0, eq), s.slice(eq + 1)]);
  }
  return { scenario: q.get("scenario") || "", seed: q.get("seed") || "", replicates: q.get("replicates") || "", sets };
}

function query() {
  const q = new URLSearchParams();
  if (state.scenario) q.set("scenario", state.scenario);
  if (state.replicates) q.set("replicates", state.replicates);
  if (state.seed) q.set("seed", state.seed);
  for (const [p, v] of state.sets) q.append("set", p + "=" + v);
  return q.toString();
}

// Setting a path replaces its value (keeping its place) and drops overrides beneath it, which it now contains.
function setOverride(path, value) {
  state.sets = state.sets.filter(([p]) => !p.startsWith(path + "."));
  const at = state.sets.findIndex(([p]) => p === path);
  if (at >= 0) state.sets[at][1] = value; else state.sets.push([path, value]);
}

function override(path) {
  const found = state.sets.find(([p]) => p === path);
  return found ? found[1] : null;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

const pct = (x) => (Math.round(x * 1000) / 10).toString() + "%";

function changed() {
  changedAt = performance.now();
  compute();
}

async function compute() {
  if (runController) runController.abort();
  if (powerController) powerController.abort();
  clearTimeout(powerTimer);
  runController = new AbortController();
  const signal = runController.signal;
  const q = query();
  history.replaceState(null, "", q ? "/?" + q : "/");
  app.dataset.state = "loading";
  app.setAttribute("aria-busy", "true");
  $("status").textContent = "Computing...";
  let response, body;
  try {
    response = await fetch("/api/run?" + q, { signal });
    body = await response.json();
  } catch (e) {
    if (signal.aborted) return;
    return showErrors(["The explorer did not answer (" + e.message + "). Is biassim explore still running?"]);
  }
  if (signal.aborted) return;
  if (!response.ok || body.errors) return showErrors(body.errors || ["The request failed (HTTP " + response.status + ")."]);
  render(body);
  $("power").dataset.state = "waiting";
  powerTimer = setTimeout(() => loadPower(q), POWER_DELAY_MS);
}

function showErrors(errors) {
  $("download").hidden = true;
  const box = $("errors");
  box.hidden = false;
  box.textContent = "This view cannot be computed:\n" + errors.join("\n");
  $("status").textContent = "Not computed: see the message.";
  app.dataset.state = "error";
  app.setAttribute("aria-busy", "false");
}

function render(data) {
  const started = performance.now();
  facts = data.scenario;
  $("errors").hidden = true;
  $("download").hidden = false;
  fillControls(data);
  $("verdict").textContent = data.verdict;
  drawBars(data.rows);
  const findings = $("findings");
  findings.replaceChildren(...data.findings.concat(data.warnings.map((w) => "Warning: " + w)).map((f) => el("li", { text: f })));
  drawTable(data.columns, data.rows);
  $("command").textContent = data.command;
  $("download").href = "/api/scenario.yaml?" + query();
  const drawn = performance.now();
  const since = changedAt ? Math.round(drawn - changedAt) : null;
  $("status").textContent = data.replicates.toLocaleString("en-GB") + " replicates computed in " + Math.round(data.elapsedMs) + " ms" +
    (since === null ? "" : ", shown " + since + " ms after the change") + " (drawing took " + Math.round(drawn - started) + " ms).";
  if (since !== null) app.dataset.redrawMs = String(since);
  app.dataset.computeMs = String(Math.round(data.elapsedMs));
  app.dataset.generation = String(Number(app.dataset.generation) + 1);
  app.setAttribute("aria-busy", "false");
  app.dataset.state = "ready";
}

function fillControls(data) {
  const f = data.scenario;
  const pick = $("scenario");
  if (pick.value !== f.name && [...pick.options].some((o) => o.value === f.name)) pick.value = f.name;
  $("description").textContent = f.description;
  $("ratios-note").textContent = "Compared with " + f.reference + " people (1 = referred at the same rate). Hypothetical: nobody knows the real ones.";
  const box = $("ratio-controls");
  const key = f.groups.map((g) => g.name).join("|");
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren();
    for (const g of f.groups.filter((g) => !g.isReference)) {
      const id = "rr-" + g.name.replace(/[^A-Za-z0-9]/g, "_");
      const input = el("input", { type: "range", id, min: "0.5", max: "3", step: "0.05", "data-group": g.name });
      input.addEventListener("input", () => {
        setOverride("referrals.rate_ratios." + g.name, input.value);
        $(id + "-out").textContent = input.value;
        changed();
      });
      box.append(el("label", { for: id }, g.name + ": ", el("output", { id: id + "-out", for: id })), input);
    }
  }
  for (const g of f.groups.filter((g) => !g.isReference)) {
    const id = "rr-" + g.name.replace(/[^A-Za-z0-9]/g, "_");
    if (document.activeElement !== $(id)) $(id).value = String(g.rateRatio);
    $(id + "-out").textContent = String(g.rateRatio);
  }

  const mechanism = $("mechanism");
  const chosen = /mechanism:\s*(mcar|mnar|mar)\b/.exec(override("recording.missing") || "");
  mechanism.value = chosen ? chosen[1] : "scenario";
  mechanism.querySelector("option[value=mar]").disabled = f.regions.length === 0;
  const missing = $("missing");
  missing.disabled = f.missingSharePath === null;
  if (document.activeElement !== missing) missing.value = String(Math.round(f.missingShare * 100));
  $("missing-out").textContent = pct(f.missingShare);
  $("missing-note").textContent = f.missingSharePath === null
    ? "This mechanism (" + f.mechanism + ") has no missing share: choose another to set one."
    : "Mechanism " + f.mechanism + "; sets " + f.missingSharePath + ".";
  const officer = $("officer");
  const officerShare = f.officerShare === null ? 0 : f.officerShare;
  if (document.activeElement !== officer) officer.value = String(Math.round(officerShare * 100));
  $("officer-out").textContent = pct(officerShare);

  const detectors = $("detector-controls");
  if (detectors.childElementCount === 0) {
    for (const name of f.allDetectors) {
      const id = "det-" + name;
      const box = el("input", { type: "checkbox", id, value: name });
      box.addEventListener("change", () => {
        const on = [...detectors.querySelectorAll("input:checked")].map((i) => i.value);
        setOverride("detectors", "[" + on.join(", ") + "]");
        changed();
      });
      detectors.append(el("div", { class: "check" }, box, el("label", { for: id, text: name })));
    }
  }
  for (const input of detectors.querySelectorAll("input")) input.checked = f.detectors.includes(input.value);
  $("replicates").value = String(data.replicates);
  $("seed").value = String(data.seed);
}

function drawBars(rows) {
  const legend = $("legend");
  if (legend.childElementCount === 0) {
    for (const [key, label] of OUTCOMES) legend.append(el("li", {}, el("span", { class: "swatch o-" + key, "aria-hidden": "true" }), label));
  }
  const host = $("bars");
  host.replaceChildren();
  const byDetector = new Map();
  for (const r of rows.filter((r) => r.outcomes)) {
    const k = r.detector + (r.attribute && r.attribute !== "ethnicity" ? " (" + r.attribute + ")" : "");
    if (!byDetector.has(k)) byDetector.set(k, []);
    byDetector.get(k).push(r);
  }
  for (const [detector, list] of byDetector) {
    host.append(el("h3", { text: detector }));
    for (const r of list) {
      const truth = r.cells[2];
      const words = r.outcomes.filter((o) => o.per100 > 0).map((o) => o.per100 + " " + o.label);
      const bar = el("div", { class: "bar", role: "img", "aria-label": r.group + ": of 100 audits, " + words.join(", ") });
      for (const o of r.outcomes) {
        if (o.per100 <= 0) continue;
        const seg = el("div", { class: "seg o-" + o.outcome, title: o.per100 + " of 100 audits: " + o.label });
        seg.style.width = o.per100 + "%";
        if (o.per100 >= 9) seg.append(el("span", { text: String(o.per100) }));
        bar.append(seg);
      }
      const name = r.group + (truth ? " (true rate ratio " + Number(truth).toFixed(2).replace(/\.?0+$/, "") + ")" : "");
      const row = el("div", { class: "bar-row", "data-detector": r.detector, "data-group": r.group },
        el("div", { text: name }), bar, el("div", { class: "counts", text: words.join(" · ") }));
      if (r.sentence) row.append(el("p", { class: "sentence", text: r.sentence }));
      host.append(row);
    }
  }
  if (byDetector.size === 0) host.append(el("p", { class: "note", text: "No detector here judges groups one by one; see the table." }));
}

function drawTable(columns, rows) {
  const table = $("results");
  const head = el("tr", {}, ...columns.map((c) => el("th", { scope: "col", text: c })));
  const body = rows.map((r) => {
    const tr = el("tr", { "data-detector": r.detector, "data-group": r.group, "data-attribute": r.attribute });
    columns.forEach((c, i) => tr.append(el("td", { "data-col": c, text: r.cells[i] })));
    return tr;
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...body));
}

async function loadPower(q) {
  powerController = new AbortController();
  const signal = powerController.signal;
  const box = $("power");
  box.dataset.state = "loading";
  let response, body;
  try {
    response = await fetch("/api/power?" + q, { signal });
    body = await response.json();
  } catch (e) {
    if (!signal.aborted) $("power-note").textContent = "The power curve could not be computed (" + e.message + ").";
    return;
  }
  if (signal.aborted) return;
  if (!response.ok || body.errors) {
    $("power-note").textContent = "The power curve could not be computed: " + (body.errors || []).join(" ");
    box.dataset.state = "error";
    return;
  }
  drawPower(body);
  box.dataset.state = "ready";
}

function drawPower(p) {
  const W = 720, H = 320, L = 56, R = 150, T = 16, B = 46;
  const x = (s) => L + s * (W - L - R);
  const y = (v) => T + (1 - v) * (H - T - B);
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img",
    "aria-label": "Audits correct out of 100 against the missing share, for " + p.series.map((s) => s.group).join(", ") });
  const title = svg("title", {});
  title.textContent = "Audits correct (of 100) by " + p.detector + " against the missing share";
  chart.append(title);
  const grid = svg("g", { class: "grid" });
  const axis = svg("g", { class: "axis" });
  for (let v = 0; v <= 1.0001; v += 0.2) {
    grid.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    const t = svg("text", { x: L - 8, y: y(v) + 4, "text-anchor": "end" });
    t.textContent = String(Math.round(v * 100));
    axis.append(t);
  }
  for (let s = 0; s <= 1.0001; s += 0.1) {
    const t = svg("text", { x: x(s), y: H - B + 18, "text-anchor": "middle" });
    t.textContent = Math.round(s * 100) + "%";
    axis.append(t);
  }
  axis.append(svg("line", { x1: L, x2: W - R, y1: y(0), y2: y(0) }), svg("line", { x1: L, x2: L, y1: y(0), y2: y(1) }));
  const xl = svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" });
  xl.textContent = "share of ethnicity missing";
  const yl = svg("text", { x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`, "text-anchor": "middle" });
  yl.textContent = "audits correct (of 100)";
  axis.append(xl, yl);
  chart.append(grid, axis);
  if (facts) chart.append(svg("line", { class: "now", x1: x(facts.missingShare), x2: x(facts.missingShare), y1: y(0), y2: y(1) }));
  const labels = [];
  p.series.forEach((s, i) => {
    const g = svg("g", { class: "series" });
    const pts = s.points.filter((pt) => pt.correct !== null);
    let d = "", pen = false;
    for (const pt of s.points) {
      if (pt.correct === null) { pen = false; continue; }
      d += (pen ? "L" : "M") + x(pt.missingShare).toFixed(1) + " " + y(pt.correct).toFixed(1);
      pen = true;
    }
    const shade = ["#1b7837", "#2166ac", "#b2182b", "#5e3c99", "#e08214", "#333", "#666"][i % 7];
    g.append(svg("path", { d, stroke: shade, "stroke-dasharray": DASHES[i % DASHES.length] }));
    for (const pt of pts) g.append(marker(MARKERS[i % MARKERS.length], x(pt.missingShare), y(pt.correct), shade));
    if (pts.length > 0) {
      const last = pts[pts.length - 1];
      labels.push({ y: y(last.correct), text: s.group + " (RR " + s.trueRateRatio + ")", shade });
    }
    chart.append(g);
  });
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) labels[i].y = Math.max(labels[i].y, labels[i - 1].y + 14);
  for (const l of labels) {
    const t = svg("text", { x: W - R + 8, y: l.y + 4, fill: l.shade });
    t.textContent = l.text;
    chart.append(t);
  }
  $("power").replaceChildren(chart);
  $("power-note").textContent = "Each point: " + p.replicates.toLocaleString("en-GB") + " audits by " + p.detector + " with seed " + p.seed +
    " (the same random numbers at every point, so the curve's shape is the design's). The dotted line marks this view's missing share." +
    (p.unreachable.length ? " Not reachable: " + p.unreachable.join("; ") : "");
}

function marker(kind, cx, cy, shade) {
  const r = 4;
  switch (kind) {
    case "square": return svg("rect", { x: cx - r, y: cy - r, width: 2 * r, height: 2 * r, fill: shade });
    case "triangle": return svg("path", { d: `M${cx} ${cy - r - 1}L${cx + r + 1} ${cy + r}L${cx - r - 1} ${cy + r}Z`, fill: shade });
    case "diamond":
      return svg("path", { d: `M${cx} ${cy - r - 1}L${cx + r + 1} ${cy}L${cx} ${cy + r + 1}L${cx - r - 1} ${cy}Z`,
        fill: "#fff", stroke: shade, "stroke-width": 2 });
    case "cross":
      return svg("path", { d: `M${cx - r} ${cy - r}L${cx + r} ${cy + r}M${cx - r} ${cy + r}L${cx + r} ${cy - r}`, stroke: shade, "stroke-width": 2 });
    default: return svg("circle", { cx, cy, r, fill: "#fff", stroke: shade, "stroke-width": 2 });
  }
}

function wire() {
  $("scenario").addEventListener("change", (e) => {
    Object.assign(state, { scenario: e.target.value, seed: "", replicates: "", sets: [] });
    $("ratio-controls").dataset.key = "";
    changed();
  });
  $("mechanism").addEventListener("change", (e) => {
    const share = facts ? facts.missingShare : 0.647;
    const others = facts ? facts.groups.filter((g) => !g.isReference) : [];
    switch (e.target.value) {
      case "mcar": setOverride("recording.missing", `{mechanism: mcar, share: ${share}}`); break;
      case "mnar": setOverride("recording.missing", "{mechanism: mnar, recording_ratio: {" +
        others.map((g, i) => g.name + ": " + RECORDING_RATIOS[i % RECORDING_RATIOS.length]).join(", ") + "}, target_share: " + share + "}"); break;
      case "mar": setOverride("recording.missing", "{mechanism: mar, by: region, share: {" +
        facts.regions.map((r, i) => r + ": " + REGION_SHARES[i % REGION_SHARES.length]).join(", ") + "}, target_share: " + share + "}"); break;
      default: state.sets = state.sets.filter(([p]) => !(p === "recording.missing" || p.startsWith("recording.missing.")));
    }
    changed();
  });
  $("missing").addEventListener("input", (e) => {
    if (!facts || facts.missingSharePath === null) return;
    const share = Number(e.target.value) / 100;
    $("missing-out").textContent = pct(share);
    setOverride(facts.missingSharePath, String(share));
    changed();
  });
  $("officer").addEventListener("input", (e) => {
    const share = Number(e.target.value) / 100;
    $("officer-out").textContent = pct(share);
    if (facts && facts.hasMisclassification) setOverride("recording.misclassification.assigned_by", `{officer: ${share}}`);
    else setOverride("recording.misclassification", `{matrix: officer-stop-search-2021, assigned_by: {officer: ${share}}}`);
    changed();
  });
  for (const id of ["replicates", "seed"]) {
    $(id).addEventListener("change", (e) => {
      // Out-of-range input is caught here, so the server is never asked for what it would refuse.
      if (!e.target.checkValidity()) return showErrors([e.target.labels[0].textContent + ": " + e.target.validationMessage]);
      state[id] = e.target.value.trim();
      changed();
    });
  }
  $("copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      $("copied").textContent = "Link copied.";
    } catch {
      $("copied").textContent = "Copy the address bar: it holds this view.";
    }
  });
}

async function start() {
  wire();
  try {
    const response = await fetch("/api/scenarios");
    const list = await response.json();
    const pick = $("scenario");
    for (const s of list) pick.append(el("option", { value: s.name, title: s.description, text: s.name }));
    pick.value = state.scenario || "prevent-2015-2023";
    // The address always names its scenario, so a shared link keeps meaning the same view.
    if (!state.scenario) state.scenario = pick.value;
  } catch (e) {
    return showErrors(["The explorer did not answer (" + e.message + ")."]);
  }
  compute();
}

start();
