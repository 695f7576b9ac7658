// The review dashboard: the year's standings city by city, item by item against the caps; a
// unit's page with its chart and incidents; the objections queue; exports and the printed report.
// A county account sees the same page limited to its own county.
//
// First load: the session and the periods together; then, together, the year's rulebook, its
// standings and the objections (for a reviewer, the open ones and the incidents they concern).
// benchmarks/review.py replays exactly these calls.

import { api } from "../api.js";
import { t } from "../i18n.js";
import { startPage } from "../shell.js";
import { shanghaiYear } from "../datetime.js";
import { clear, h, shanghaiIso, shanghaiLocalInput, shanghaiMinute } from "./dom.js";
import { MESSAGES } from "./messages.js";
import { notifyError } from "./notice.js";
import { loadMine, loadQueue, renderMine, renderQueue } from "./objections.js";
import { bindExportLinks, updateExportLinks } from "./exports.js";
import { printReport, renderReport } from "./report.js";
import { renderStandings } from "./standings.js";
import { canExport, canRule, indexUnits, isCountyAccount, state } from "./state.js";
import { renderUnit } from "./unit.js";
import { renderYearPanel } from "./year.js";

const $ = (id) => document.getElementById(id);

let view = null; // { code, page } for a unit's page, null for the overview
let mine = null; // a county's own objections
const mineCard = h("section", { class: "card mine-card", id: "mine" });

function readRoute() {
  const params = new URLSearchParams(location.search);
  return { year: Number(params.get("year")) || null, asOf: params.get("as_of"), unit: params.get("unit") };
}

function writeRoute({ push = false } = {}) {
  const params = new URLSearchParams({ year: String(state.year) });
  if (state.asOf) params.set("as_of", state.asOf);
  if (view && !isCountyAccount()) params.set("unit", view.code);
  const url = `${location.pathname}?${params}`;
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

// The latest year up to now that holds records; a year without any only when none has.
function defaultYear(periods) {
  const sorted = [...periods].sort((a, b) => b.year - a.year);
  const now = shanghaiYear();
  const withData = sorted.find((p) => p.year <= now && p.incidents > 0) ?? sorted.find((p) => p.incidents > 0);
  if (withData) return withData.year;
  return (sorted.find((p) => p.year <= now) ?? sorted[sorted.length - 1]).year;
}

// The open objections' incident keys, to mark them in incident lists.
function openObjections() {
  const source = isCountyAccount() ? mine?.items : state.queue?.items;
  return new Set((source ?? []).filter((o) => o.status === "open").map((o) => o.incident));
}

function scoresPath() {
  const params = new URLSearchParams({ year: String(state.year) });
  if (state.asOf) params.set("as_of", state.asOf);
  return `/api/scores?${params}`;
}

// The standings and the objections the account deals with: for a reviewer the open ones (with
// their incidents), for a county its own.
async function loadStandings() {
  const [standings, objections] = await Promise.all([
    api("GET", scoresPath()),
    canRule() ? loadQueue() : isCountyAccount() ? loadMine() : null,
  ]);
  state.standings = standings;
  indexUnits(standings);
  if (canRule()) state.queue = objections;
  if (isCountyAccount()) mine = objections;
}

async function loadYear() {
  const [rulebook] = await Promise.all([api("GET", `/api/periods/${state.year}/rulebook`), loadStandings()]);
  state.rulebook = rulebook;
  drawBar();
  renderYearPanel($("year-panel"));
}

function drawBar() {
  const select = $("year-select");
  clear(
    select,
    state.periods
      .map((p) => p.year)
      .sort((a, b) => b - a)
      .map((year) => h("option", { value: String(year), text: String(year), selected: year === state.year })),
  );
  if (state.standings) {
    $("as-of-input").value = shanghaiLocalInput(state.standings.as_of);
    $("edition-line").textContent = `${t("review.edition", {
      title: state.rulebook.title,
      edition: state.standings.edition,
    })} · ${t("review.asOf")} ${shanghaiMinute(state.standings.as_of)}`;
  }
  $("exports").hidden = !canExport();
  $("county-tools").hidden = canExport();
  if (canExport()) {
    const year = String(state.year);
    const standings = new URLSearchParams({ year });
    if (state.asOf) standings.set("as_of", state.asOf);
    $("export-xlsx").href = `/api/exports/standings.xlsx?${standings}`;
    $("export-xlsx").setAttribute("download", `vcwatch-${year}-standings.xlsx`);
    $("export-csv").href = `/api/exports/incidents.csv?${new URLSearchParams({ year })}`;
    $("export-csv").setAttribute("download", `vcwatch-${year}-incidents.csv`);
    $("export-json").href = `/api/records?${new URLSearchParams({ year })}`;
    $("export-json").setAttribute("download", `vcwatch-${year}-records.json`);
    updateExportLinks();
  }
  renderReport($("report"));
}

function drawOverview() {
  renderStandings($("standings"), { onOpen: (code) => show(code, { push: true }) });
  const queue = $("queue");
  queue.hidden = !canRule();
  if (canRule() && state.queue) renderQueue(queue, state.queue);
}

function show(code, { push = false } = {}) {
  view?.page?.destroy();
  const target = isCountyAccount() ? state.account.unit : code;
  const unitView = $("unit-view");
  if (target && state.units.has(target)) {
    $("overview").hidden = true;
    unitView.hidden = false;
    if (isCountyAccount() && mine) renderMine(mineCard, mine);
    const page = renderUnit(unitView, target, {
      onHome: () => show(null, { push: true }),
      onOpen: (next) => show(next, { push: true }),
      openObjections,
      mineContainer: isCountyAccount() ? mineCard : null,
    });
    view = { code: target, page };
    page?.ready.catch(notifyError);
  } else {
    view = null;
    unitView.hidden = true;
    clear(unitView);
    $("overview").hidden = false;
    drawOverview();
  }
  writeRoute({ push });
  if (push) window.scrollTo(0, 0);
}

async function changeYear(year) {
  state.year = year;
  state.asOf = null;
  state.expanded.clear();
  await loadYear();
  show(view?.code ?? null);
}

function bindControls() {
  $("year-select").addEventListener("change", (event) => {
    changeYear(Number(event.target.value)).catch(notifyError);
  });
  $("period-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("as-of-input").value;
    state.asOf = value ? shanghaiIso(value) : null;
    refresh().catch(notifyError);
  });
  // "Now" rounded up to the second, and never before what the server says just happened (its
  // clock decides when a void counts).
  const asOfNow = (notBefore = null) => {
    const moments = [Date.now() + 1000];
    if (notBefore) moments.push(new Date(notBefore).getTime() + 1000);
    state.asOf = shanghaiIso(shanghaiLocalInput(new Date(Math.max(...moments))));
    refresh().catch(notifyError);
  };
  $("as-of-now").addEventListener("click", () => asOfNow());
  document.addEventListener("review:as-of-now", (event) => asOfNow(event.detail?.notBefore));
  $("as-of-reset").addEventListener("click", () => {
    state.asOf = null;
    refresh().catch(notifyError);
  });
  $("print-report").addEventListener("click", () => printReport($("report")).catch(notifyError));
  bindExportLinks();
  $("print-county").addEventListener("click", () => window.print());
  window.addEventListener("popstate", () => {
    const route = readRoute();
    if (route.year && route.year !== state.year) {
      state.year = route.year;
      state.asOf = route.asOf;
      loadYear().then(() => show(route.unit), notifyError);
      return;
    }
    show(route.unit);
  });
  document.addEventListener("review:changed", () => refresh().catch(notifyError));
  document.addEventListener("vcwatch:langchange", () => {
    document.title = `${t("review.title")} · ${t("app.name")}`;
    drawBar();
    if (view?.page) {
      if (isCountyAccount() && mine) renderMine(mineCard, mine);
      view.page.relabel();
    } else drawOverview();
  });
}

// The standings (and queue) again, the current view kept.
async function refresh() {
  await loadStandings();
  drawBar();
  renderYearPanel($("year-panel"));
  writeRoute();
  if (view?.page) {
    if (isCountyAccount() && mine) renderMine(mineCard, mine);
    await view.page.update();
  } else drawOverview();
}

async function main() {
  // The periods are asked for while the session is: one round trip less before the standings.
  const periods = api("GET", "/api/periods").then(
    (list) => ({ list }),
    (error) => ({ error }),
  );
  const session = await startPage(MESSAGES);
  state.account = session.account;
  document.body.dataset.role = session.account.role;
  document.title = `${t("review.title")} · ${t("app.name")}`;
  bindControls();
  const { list, error } = await periods;
  if (error) throw error;
  state.periods = list;
  if (!state.periods.length) {
    $("review-loading").textContent = t("review.noPeriods");
    return;
  }
  const route = readRoute();
  state.year = state.periods.some((p) => p.year === route.year) ? route.year : defaultYear(state.periods);
  state.asOf = route.asOf;
  await loadYear();
  $("review-loading").hidden = true;
  show(route.unit);
  $("review").removeAttribute("aria-busy");
}

main().catch((error) => {
  $("review-loading").hidden = true;
  notifyError(error);
});
