// One unit's page: its items against their caps, its month-by-month chart, (for a city) its own
// venue and counties, and its incidents.

import { api } from "../api.js";
import { t } from "../i18n.js";
import { binds, itemBar } from "./bars.js";
import { renderMonthlyChart } from "./chart.js";
import { clear, h, toCents } from "./dom.js";
import { createIncidentList } from "./incidents.js";
import { itemName } from "./messages.js";
import { renderCountyTable } from "./standings.js";
import { isCountyAccount, state } from "./state.js";

export async function loadMeetings() {
  if (state.meetingsYear === state.year) return;
  const params = new URLSearchParams({
    from: `${state.year}-01-01T00:00:00+08:00`,
    to: `${state.year + 1}-01-01T00:00:00+08:00`,
    limit: "500",
  });
  const page = await api("GET", `/api/meetings?${params}`);
  state.meetings = new Map(page.items.map((m) => [m.key, m]));
  state.meetingsYear = state.year;
}

function breadcrumb(unit, { onHome, onOpen }) {
  if (isCountyAccount()) return null;
  const home = h("a", {
    href: `?${new URLSearchParams({ year: state.year })}`,
    id: "back-home",
    text: t("unit.back"),
    onclick: (event) => {
      event.preventDefault();
      onHome();
    },
  });
  const city = unit.parent ? state.units.get(unit.parent) : null;
  const cityLink = city
    ? h("a", {
        href: `?${new URLSearchParams({ year: state.year, unit: city.code })}`,
        text: city.name,
        onclick: (event) => {
          event.preventDefault();
          onOpen(city.code);
        },
      })
    : null;
  return h(
    "nav",
    { class: "breadcrumb", "aria-label": "breadcrumb" },
    home,
    " › ",
    cityLink ? [cityLink, " › "] : null,
    h("span", { "aria-current": "page", text: unit.name }),
  );
}

function itemsTable(score) {
  return h(
    "table",
    { class: "unit-items", id: "unit-items" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: t("unit.item") }),
        h("th", { scope: "col", class: "bar-col" }),
        h("th", { scope: "col", class: "num", text: t("unit.times") }),
        h("th", { scope: "col", class: "num", text: t("unit.raw") }),
        h("th", { scope: "col", class: "num", text: t("unit.capped") }),
        h("th", { scope: "col", class: "num", text: t("unit.capCol") }),
      ),
    ),
    h(
      "tbody",
      {},
      score.items.map((item) =>
        h(
          "tr",
          { class: binds(item) ? "binding" : toCents(item.raw) === 0 ? "zero" : "", dataset: { item: item.code } },
          h(
            "th",
            { scope: "row" },
            itemName(state.rulebook, item.code),
            binds(item) ? h("span", { class: "pill bad", text: t("standings.binding") }) : null,
          ),
          h("td", { class: "bar-col" }, itemBar(item, { large: true })),
          h("td", { class: "num", text: String(item.occurrences) }),
          h("td", { class: "num", text: item.raw }),
          h("td", { class: "num strong", text: item.capped }),
          h("td", { class: "num muted", text: item.cap }),
        ),
      ),
    ),
  );
}

function headline(unit) {
  const score = unit.score;
  const figures = [];
  if (unit.level === "city") {
    figures.push(
      h("div", { class: "figure" }, h("span", { class: "muted", text: t("unit.score") }), h("strong", { id: "unit-score", text: score.score })),
    );
  }
  figures.push(
    h("div", { class: "figure" }, h("span", { class: "muted", text: t("unit.deduction") }), h("strong", { id: "unit-deduction", text: score.deduction })),
  );
  return h(
    "div",
    { class: "unit-head" },
    h(
      "div",
      {},
      h("h1", { id: "unit-title" }, unit.name, h("span", { class: "muted code", text: ` ${unit.code}` })),
      h("p", { class: "muted", text: `${t(`unit.level.${unit.level}`)} · ${t(unit.level === "city" ? "unit.cityNote" : "unit.countyNote")}` }),
    ),
    h("div", { class: "figures" }, figures),
  );
}

// Draws the unit's page into `root`; returns how to refresh it after a change and how to draw it
// again in another language.
export function renderUnit(root, code, { onHome, onOpen, openObjections, mineContainer }) {
  let unit = state.units.get(code);
  if (!unit) {
    clear(root, h("p", { class: "error", role: "alert", text: code }));
    return null;
  }
  const crumbs = h("div");
  const summary = h("section", { class: "card", id: "unit-summary", dataset: { unit: unit.code } });
  const chartBox = h("div", { class: "chart-area", id: "chart-area" }, h("p", { class: "muted", text: t("review.loading") }));
  const chartHead = h("div");
  const listHead = h("h2");
  const listBox = h("div", { id: "incident-list" });
  const countiesHead = h("h2");
  const countiesBox = unit.level === "city" ? h("div", { id: "unit-counties" }) : null;
  clear(
    root,
    crumbs,
    summary,
    h("div", { class: "unit-columns" }, h("section", { class: "card chart-card" }, chartHead, chartBox), mineContainer),
    countiesBox ? h("section", { class: "card" }, countiesHead, countiesBox) : null,
    h("section", { class: "card", id: "incidents-card" }, listHead, listBox),
  );

  const drawSummary = () => {
    unit = state.units.get(code) ?? unit;
    clear(crumbs, breadcrumb(unit, { onHome, onOpen }));
    clear(summary, headline(unit), h("h2", { text: t("unit.items") }), h("div", { class: "table-scroll" }, itemsTable(unit.score)));
    clear(chartHead, h("h2", { text: t("chart.title") }), h("p", { class: "muted small", text: t("chart.note") }));
    listHead.textContent = t("incidents.title");
    countiesHead.textContent = t("unit.counties");
    if (countiesBox) renderCountyTable(countiesBox, unit.score, { onOpen });
  };

  let chart = null;
  const drawChart = async () => {
    try {
      const params = new URLSearchParams({ year: state.year, unit: unit.code });
      const monthly = await api("GET", `/api/charts/monthly?${params}`);
      chart?.destroy();
      chart = await renderMonthlyChart(chartBox, monthly);
    } catch (failure) {
      clear(chartBox, h("p", { class: "error", role: "alert", text: t("chart.failed", { message: failure.message }) }));
    }
  };

  drawSummary();
  const list = createIncidentList(listBox, unit, { openObjections });
  const known = state.meetingsYear === state.year;
  const ready = Promise.all([
    drawChart(),
    list.load(),
    known ? null : loadMeetings().then(() => list.redraw(), () => null),
  ]);
  return {
    ready,
    // The standings were loaded again: new figures, the same filters.
    update: () => {
      drawSummary();
      return Promise.all([drawChart(), list.load()]);
    },
    relabel: () => {
      drawSummary();
      list.redraw();
      return drawChart();
    },
    destroy: () => chart?.destroy(),
  };
}
