// The crashwatch dashboard: read-only, from the detector's own API, refreshed every few seconds.
// Every id on this page comes from telemetry, so text goes in with textContent only, never as markup.
"use strict";

const REFRESH_MS = 5000;
const CHART_SPAN_MS = 60 * 60 * 1000;
let selected = null; // {fleet, component, version}
let chart = null;

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (className) {
    e.className = className;
  }
  return e;
}

function token() {
  return sessionStorage.getItem("crashwatch-token");
}

async function api(path) {
  const headers = {Accept: "application/json"};
  if (token()) {
    headers.Authorization = "Bearer " + token();
  }
  const response = await fetch(path, {headers});
  if (response.status === 401) {
    document.getElementById("token-form").hidden = false;
    throw new Error("the detector needs its bearer token (http-token)");
  }
  const body = await response.json();
  // A gathered list answers 503 with what it has: shown, with what is missing said above.
  if (!response.ok && !(response.status === 503 && body.complete === false)) {
    throw new Error(path.split("?")[0] + ": " + (body.error || "HTTP " + response.status));
  }
  return body;
}

function targetOf(fleet, component, version) {
  return fleet + "/" + component + "/" + version;
}

function percent(share) {
  return (100 * share).toFixed(share < 0.1 ? 1 : 0) + " %";
}

function renderVersions(fleets, targets) {
  const byTarget = new Map(targets.map(t => [t.target, t]));
  const body = document.querySelector("#versions tbody");
  const rows = [];
  for (const fleet of fleets) {
    for (const component of fleet.components) {
      for (const v of component.versions) {
        if (v.devices === 0) {
          continue;
        }
        const target = targetOf(fleet.fleet, component.component, v.version);
        const status = byTarget.get(target);
        const state = status ? status.state : v.state;
        const row = el("tr");
        row.dataset.target = target;
        row.dataset.state = state;
        if (state.startsWith("HALTED")) {
          row.classList.add("halted");
        }
        if (selected && target === targetOf(selected.fleet, selected.component, selected.version)) {
          row.classList.add("selected");
        }
        row.append(el("td", target), el("td", v.devices, "number"), el("td", percent(v.share), "number"),
          el("td", state, "state"), el("td", status ? status.why : "", "why"));
        row.addEventListener("click", () => select({fleet: fleet.fleet, component: component.component, version: v.version}));
        rows.push({row, state, target, pick: {fleet: fleet.fleet, component: component.component, version: v.version}});
      }
    }
  }
  const order = ["HALTED", "HALTED_GLOBALLY", "TRIPPED", "CANNOT_JUDGE", "UNDER_TEST", "ESTABLISHED", "NOT_TESTED"];
  const rank = s => (order.indexOf(s) < 0 ? order.length : order.indexOf(s));
  rows.sort((a, b) => rank(a.state) - rank(b.state) || a.target.localeCompare(b.target));
  body.replaceChildren(...rows.map(r => r.row));
  if (!selected) {
    const first = rows.find(r => r.state !== "NOT_TESTED" && r.state !== "ESTABLISHED");
    if (first) {
      select(first.pick, false); // drawn by the refresh under way
    }
  }
}

function evidenceInWords(e) {
  if (!e) {
    return "";
  }
  const rate = x => (x < 10 ? x.toPrecision(2) : Math.round(x).toString());
  return e.failedDevices + " of " + e.devicesOnVersion + " devices failed (" + e.crashedDevices + " crashed, "
    + e.uncleanReboots + " unclean reboots, " + e.darkDevices + " dark); " + rate(e.failureRate)
    + " failures per device-hour against " + rate(e.controlRate) + " (" + e.comparison.toLowerCase() + "); statistic "
    + rate(e.testStatistic) + " of threshold " + rate(e.threshold)
    + (e.topSignature ? "; top signature " + e.topSignature : "");
}

function copyButton(text) {
  const button = el("button", "copy", "copy");
  button.type = "button";
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(text).then(() => { button.textContent = "copied"; },
      () => { button.textContent = "select and copy"; });
  });
  return button;
}

let haltTimes = new Map(); // target -> HALT time (ms), for the chart

function renderHalts(halts) {
  haltTimes = new Map();
  const body = document.querySelector("#halts tbody");
  body.replaceChildren(...halts.map(h => {
    if (h.standing) {
      haltTimes.set(h.target, Date.parse(h.haltedAt));
    }
    const row = el("tr");
    row.dataset.target = h.target;
    if (h.standing) {
      row.classList.add("halted");
    }
    const lifted = h.standing ? "standing" : "lifted " + h.liftedAt + " by " + h.liftedBy + ": " + (h.liftNote || "");
    const resume = el("td");
    if (h.resumeCommand) {
      resume.append(el("code", h.resumeCommand, "resume"), copyButton(h.resumeCommand));
    }
    row.append(el("td", h.target + (h.shadow ? " (shadow)" : "")), el("td", h.haltedAt),
      el("td", h.reason + (h.forcedBy ? " by " + h.forcedBy : "") + ": " + evidenceInWords(h.evidence)),
      el("td", lifted, h.standing ? "state" : ""), resume);
    return row;
  }));
}

function select(pick, draw = true) {
  selected = pick;
  document.querySelectorAll("#versions tbody tr").forEach(r =>
    r.classList.toggle("selected", r.dataset.target === targetOf(pick.fleet, pick.component, pick.version)));
  document.getElementById("chart-target").textContent = targetOf(pick.fleet, pick.component, pick.version);
  if (draw) {
    drawChart().catch(e => say("cannot draw the chart: " + e.message));
  }
}

function say(problem) {
  const p = document.getElementById("problem");
  p.hidden = false;
  p.textContent = problem;
}

async function drawChart() {
  if (!selected) {
    return;
  }
  const to = Date.now();
  const query = new URLSearchParams({fleet: selected.fleet, component: selected.component, version: selected.version,
    from: String(to - CHART_SPAN_MS), to: String(to)});
  const series = await api("/api/v1/crash-rates?" + query);
  const minutes = series.minutes.filter(m => m.version.devices > 0 || m.control.devices > 0);
  const data = [
    minutes.map(m => Date.parse(m.minute) / 1000),
    minutes.map(m => m.version.failuresPerDeviceHour),
    minutes.map(m => m.control.failuresPerDeviceHour),
    minutes.map(m => (m.previous ? m.previous.failuresPerDeviceHour : null)),
  ];
  const box = document.getElementById("chart");
  box.dataset.points = String(minutes.length);
  const halt = haltTimes.get(targetOf(selected.fleet, selected.component, selected.version));
  // The span shown reaches past the last minute's end, and to the HALT when it came later.
  const xs = data[0];
  const xMax = Math.max(xs.length ? xs[xs.length - 1] + 60 : to / 1000, halt === undefined ? 0 : halt / 1000 + 30);
  const options = {
    width: Math.max(400, box.clientWidth || 900), height: 300,
    scales: {x: {time: true, range: (u, min) => [xs.length ? xs[0] : xMax - 3600, xMax]}},
    series: [{}, {label: series.version, stroke: "#d62728", width: 2},
      {label: "control", stroke: "#1f77b4", width: 2},
      {label: series.previousVersion ? "previous (" + series.previousVersion + ")" : "previous", stroke: "#7f7f7f", dash: [6, 4]}],
    axes: [{}, {label: "failures / device-hour"}],
    hooks: {draw: [u => {
      if (halt === undefined) {
        return;
      }
      const x = u.valToPos(halt / 1000, "x", true);
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = "#b00020";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillStyle = "#b00020";
      ctx.fillText("HALT", x + 4, u.bbox.top + 12);
      ctx.restore();
    }]},
  };
  if (chart) {
    chart.destroy();
  }
  chart = new uPlot(options, data, box);
  box.dataset.halt = halt === undefined ? "" : new Date(halt).toISOString();
  await drawSignatures();
}

async function drawSignatures() {
  const query = new URLSearchParams({fleet: selected.fleet, component: selected.component, version: selected.version});
  const top = await api("/api/v1/signatures?" + query);
  document.getElementById("signatures-target").textContent = targetOf(top.fleet, top.component, top.version);
  document.querySelector("#signatures tbody").replaceChildren(...top.signatures.map(s => {
    const row = el("tr");
    row.dataset.signature = s.signature;
    const mark = s.isNew ? "new" : s.regressed ? "regressed (the version before had none)" : "seen before";
    row.append(el("td", s.signature), el("td", s.devices, "number"), el("td", s.crashes, "number"),
      el("td", s.firstSeen), el("td", s.lastSeen), el("td", mark, "mark"));
    return row;
  }));
}

async function refresh() {
  const problem = document.getElementById("problem");
  try {
    const [fleets, targets, halts] = await Promise.all([api("/api/v1/fleets"), api("/api/v1/targets"), api("/api/v1/halts")]);
    renderHalts(halts.halts);
    renderVersions(fleets.fleets, targets.targets);
    const missing = [...fleets.missing, ...targets.missing, ...halts.missing];
    problem.hidden = missing.length === 0;
    problem.textContent = missing.length ? "incomplete: " + missing.join("; ") : "";
    if (selected) {
      await drawChart();
    }
    document.getElementById("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    // Fail safe: an answer the page cannot get is said, never shown as a quiet, healthy page.
    say("cannot read the detector: " + e.message);
  }
}

document.getElementById("token-form").addEventListener("submit", e => {
  e.preventDefault();
  sessionStorage.setItem("crashwatch-token", document.getElementById("token").value);
  document.getElementById("token-form").hidden = true;
  refresh();
});
refresh();
setInterval(refresh, REFRESH_MS);
