// The printed report. Hidden on screen; `@media print` shows it alone (css/review.css).
// Until the reviewer asks to print, it holds a summary (one page per city with its items
// against their caps); the print button puts the official annual table in its place.

import { api } from "../api.js";
import { t } from "../i18n.js";
import { binds } from "./bars.js";
import { clear, h, shanghaiMinute } from "./dom.js";
import { itemName } from "./messages.js";
import { countiesByDeduction, rankedCities } from "./standings.js";
import { isCountyAccount, state } from "./state.js";

function itemsTable(score) {
  return h(
    "table",
    { class: "report-items" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: t("unit.item") }),
        h("th", { scope: "col", class: "num", text: t("unit.capCol") }),
        h("th", { scope: "col", class: "num", text: t("unit.times") }),
        h("th", { scope: "col", class: "num", text: t("unit.raw") }),
        h("th", { scope: "col", class: "num", text: t("unit.capped") }),
      ),
    ),
    h(
      "tbody",
      {},
      score.items.map((item) =>
        h(
          "tr",
          { class: binds(item) ? "binding" : "" },
          h("th", { scope: "row" }, itemName(state.rulebook, item.code), binds(item) ? ` （${t("standings.binding")}）` : ""),
          h("td", { class: "num", text: item.cap }),
          h("td", { class: "num", text: String(item.occurrences) }),
          h("td", { class: "num", text: item.raw }),
          h("td", { class: "num", text: item.capped }),
        ),
      ),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row", text: t("report.deductionTotal") }),
        h("td"),
        h("td"),
        h("td"),
        h("td", { class: "num", text: score.deduction }),
      ),
    ),
  );
}

function countiesTable(city) {
  const rows = [
    { name: t("standings.own", { name: city.name }), score: city.own },
    ...countiesByDeduction(city).map((county) => ({ name: county.name, score: county })),
  ];
  return h(
    "table",
    { class: "report-counties" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: t("standings.unit") }),
        h("th", { scope: "col", class: "num", text: t("standings.deduction") }),
        state.rulebook.items.map((item) => h("th", { scope: "col", class: "num", text: itemName(state.rulebook, item.code) })),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map(({ name, score }) =>
        h(
          "tr",
          {},
          h("th", { scope: "row", text: name }),
          h("td", { class: "num", text: score.deduction }),
          score.items.map((item) => h("td", { class: "num", text: item.capped })),
        ),
      ),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row", text: t("report.total") }),
        h("td", { class: "num", text: city.deduction }),
        city.items.map((item) => h("td", { class: "num", text: item.capped })),
      ),
    ),
  );
}

function header(title) {
  const edition = t("review.edition", { title: state.rulebook.title, edition: state.standings.edition });
  return [
    h("p", { class: "report-kicker", text: t("report.title", { year: state.standings.year }) }),
    h("h1", { text: title }),
    h("p", { class: "report-meta", text: t("report.meta", { asOf: shanghaiMinute(state.standings.as_of), edition }) }),
  ];
}

export function renderReport(container) {
  const standings = state.standings;
  if (!standings || !state.rulebook) return;
  delete container.dataset.official;
  const printed = h("p", { class: "report-printed", text: t("report.printed", { at: shanghaiMinute(new Date()) }) });
  if (isCountyAccount()) {
    const pages = [];
    for (const city of standings.cities) {
      for (const county of city.counties) {
        pages.push(
          h("section", { class: "report-page" }, header(county.name), h("p", { class: "report-summary", text: `${t("unit.deduction")} ${county.deduction}` }), itemsTable(county), printed.cloneNode(true)),
        );
      }
    }
    clear(container, pages);
    return;
  }
  clear(
    container,
    rankedCities(standings).map((city) =>
      h(
        "section",
        { class: "report-page", dataset: { city: city.code } },
        header(city.name),
        h("p", { class: "report-summary", text: t("report.summary", { score: city.score, deduction: city.deduction }) }),
        h("h2", { text: t("report.items") }),
        itemsTable(city),
        h("h2", { text: t("report.counties") }),
        countiesTable(city),
        printed.cloneNode(true),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The official annual table (reviewers): what the XLSX and the PDF hold — page 1 the cities
// ranked, then a section per city with its units' uncapped figures, the city's raw total, the
// caps and the capped figures, and the reasons; the issuing office, a signature and date block.
// Asked for when the reviewer prints (a year's reasons are a pass over all its incidents).
// ---------------------------------------------------------------------------------------------

const num = (text, { binds = false } = {}) =>
  h("td", { class: binds ? "num binds" : "num", text: binds ? `${text}${t("report.binds")}` : String(text) });

function itemHeads(table, span) {
  return table.items.map((item) =>
    h("th", { scope: "colgroup", colspan: String(span) }, item.name, h("br"), t("report.cap", { cap: item.cap })),
  );
}

function officialHeader(table) {
  return [
    h("h1", { class: "official-title", text: table.title }),
    h("p", { class: "official-meta", text: table.meta }),
    h("p", { class: "official-office", text: t("report.office", { office: table.issuing_office }) }),
  ];
}

function indicatorTable(table) {
  const full = table.full_marks;
  const sub = ["report.count", "report.raw", "report.capped"];
  return h(
    "table",
    { class: "official-indicator" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", rowspan: "2", text: t("report.rank") }),
        h("th", { scope: "col", rowspan: "2", text: t("report.city") }),
        itemHeads(table, 3),
        h("th", { scope: "col", rowspan: "2", text: t("report.beforeCap") }),
        h("th", { scope: "col", rowspan: "2", text: t("report.deductionCapped", { full }) }),
        h("th", { scope: "col", rowspan: "2", text: t("report.score", { full }) }),
      ),
      h("tr", {}, table.items.map(() => sub.map((key) => h("th", { scope: "col", text: t(key) })))),
    ),
    h(
      "tbody",
      {},
      table.cities.map((city) =>
        h(
          "tr",
          { dataset: { city: city.code } },
          num(city.rank),
          h("th", { scope: "row", text: city.name }),
          city.items.map((item) => [num(item.occurrences), num(item.raw), num(item.capped, { binds: item.binds })]),
          num(city.before_cap),
          num(city.deduction, { binds: city.total_binds }),
          num(city.score),
        ),
      ),
    ),
  );
}

function signatureBlock(table) {
  return h(
    "div",
    { class: "official-signature" },
    h("p", { text: t("report.sealOffice", { office: table.issuing_office }) }),
    h("p", { text: t("report.signatures") }),
    h("p", { text: t("report.signDate") }),
  );
}

function unitLabel(unit) {
  return unit.own_venue ? t("report.ownVenue", { name: unit.name }) : unit.name;
}

function sectionTable(table, section) {
  const full = table.full_marks;
  const span = String(1 + 2 * table.items.length);
  const pair = (item) => [num(item.occurrences), num(item.raw)];
  return h(
    "table",
    { class: "official-city" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", rowspan: "2", text: t("report.unit") }),
        itemHeads(table, 2),
        h("th", { scope: "col", rowspan: "2", text: t("report.unitTotal") }),
      ),
      h("tr", {}, table.items.map(() => [h("th", { scope: "col", text: t("report.count") }), h("th", { scope: "col", text: t("report.raw") })])),
    ),
    h(
      "tbody",
      {},
      section.units.map((unit) =>
        h("tr", { dataset: { unit: unit.code } }, h("th", { scope: "row", text: unitLabel(unit) }), unit.items.map(pair), num(unit.total)),
      ),
      h("tr", { class: "total" }, h("th", { scope: "row", text: t("report.cityRaw") }), section.items.map(pair), num(section.raw_total)),
      h("tr", { class: "total" }, h("th", { scope: "row", text: t("report.caps") }), section.items.map((item) => [h("td"), num(item.cap)]), h("td")),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row", text: t("report.cityCapped") }),
        section.items.map((item) => [h("td"), num(item.capped, { binds: item.binds })]),
        num(section.before_cap),
      ),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row", colspan: span, text: t("report.deductionCapped", { full }) }),
        num(section.deduction, { binds: section.total_binds }),
      ),
      h("tr", { class: "total" }, h("th", { scope: "row", colspan: span, text: t("report.score", { full }) }), num(section.score)),
    ),
  );
}

function reasonsTable(table, section) {
  const names = new Map(table.items.map((item) => [item.code, item.name]));
  const rows = section.units.flatMap((unit) =>
    unit.reasons.map((reason) =>
      h(
        "tr",
        {},
        h("th", { scope: "row", text: unitLabel(unit) }),
        h("td", { text: names.get(reason.item) ?? reason.item }),
        h("td", { text: reason.text }),
        num(reason.occurrences),
        num(reason.points),
      ),
    ),
  );
  if (!rows.length) return h("p", { text: t("report.noReasons") });
  return h(
    "table",
    { class: "official-reasons" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["report.unit", "report.item", "report.reason", "report.count", "report.raw"].map((key) =>
          h("th", { scope: "col", text: t(key) }),
        ),
      ),
    ),
    h("tbody", {}, rows),
  );
}

export function renderOfficial(container, table) {
  clear(
    container,
    h(
      "section",
      { class: "report-page official-page", dataset: { page: "indicator" } },
      officialHeader(table),
      indicatorTable(table),
      h("p", { class: "official-note", text: t("report.note", { full: table.full_marks }) }),
      signatureBlock(table),
    ),
    table.sections.map((section) =>
      h(
        "section",
        { class: "report-page official-page", dataset: { city: section.code } },
        h("h2", { text: t("report.cityTitle", { name: section.name, code: section.code }) }),
        h("p", { class: "official-meta", text: table.meta }),
        sectionTable(table, section),
        h("h3", { text: t("report.reasons") }),
        reasonsTable(table, section),
      ),
    ),
  );
  container.dataset.official = "true";
}

// The print button: the official table of the year and moment shown, then the print dialog.
// A county account prints its own county's summary (renderReport).
export async function printReport(container) {
  if (!isCountyAccount()) {
    const params = new URLSearchParams({ year: String(state.year) });
    if (state.asOf) params.set("as_of", state.asOf);
    renderOfficial(container, await api("GET", `/api/reports/annual?${params}`));
  }
  window.print();
}
