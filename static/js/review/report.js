// The printed report: one page per city with its items against their caps and its counties'
// deductions. Hidden on screen; `@media print` shows it alone (css/review.css).

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
