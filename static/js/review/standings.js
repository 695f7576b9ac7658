// The cities' standings: score, deduction and every item against its cap; a city opens onto its
// own venue and its counties (their own view), highest deduction first.

import { t } from "../i18n.js";
import { binds, itemCell } from "./bars.js";
import { clear, h, toCents } from "./dom.js";
import { itemName } from "./messages.js";
import { state } from "./state.js";

export function rankedCities(standings) {
  return [...standings.cities].sort(
    (a, b) => toCents(b.score) - toCents(a.score) || a.code.localeCompare(b.code),
  );
}

export function countiesByDeduction(city) {
  return [...city.counties].sort(
    (a, b) => toCents(b.deduction) - toCents(a.deduction) || a.code.localeCompare(b.code),
  );
}

function itemHeaders() {
  return state.rulebook.items.map((item) =>
    h(
      "th",
      { scope: "col", class: "item-head" },
      h("span", { class: "item-name", text: itemName(state.rulebook, item.code) }),
      h("span", { class: "muted item-cap", text: t("standings.cap", { cap: item.cap }) }),
    ),
  );
}

function unitLink(code, name, onOpen) {
  return h("a", {
    href: `?${new URLSearchParams({ year: state.year, unit: code })}`,
    class: "unit-link",
    dataset: { unit: code },
    text: name,
    "aria-label": t("standings.open", { name }),
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      onOpen(code);
    },
  });
}

function countyRows(city, onOpen, { scoreColumn = true } = {}) {
  const noScore = () => (scoreColumn ? h("td", { class: "num muted", text: "—" }) : null);
  const own = h(
    "tr",
    { class: "county-row own-row", dataset: { unit: city.code, parentCity: city.code } },
    h("td"),
    h(
      "th",
      { scope: "row", class: "unit-name" },
      unitLink(city.code, t("standings.own", { name: city.name }), onOpen),
    ),
    noScore(),
    h("td", { class: "num", text: city.own.deduction }),
    city.own.items.map(itemCell),
  );
  const rows = countiesByDeduction(city).map((county) =>
    h(
      "tr",
      { class: "county-row", dataset: { unit: county.code, parentCity: city.code } },
      h("td"),
      h("th", { scope: "row", class: "unit-name" }, unitLink(county.code, county.name, onOpen)),
      noScore(),
      h("td", { class: "num", text: county.deduction }),
      county.items.map(itemCell),
    ),
  );
  return [own, ...rows];
}

function cityRows(city, rank, onOpen, redraw) {
  const expanded = state.expanded.has(city.code);
  const toggle = h("button", {
    type: "button",
    class: "toggle",
    "aria-expanded": expanded ? "true" : "false",
    "aria-label": t(expanded ? "standings.collapse" : "standings.expand", { name: city.name }),
    dataset: { city: city.code },
    text: expanded ? "▾" : "▸",
    onclick: () => {
      if (state.expanded.has(city.code)) state.expanded.delete(city.code);
      else state.expanded.add(city.code);
      redraw();
    },
  });
  const capped = city.items.filter(binds).length;
  const row = h(
    "tr",
    { class: `city-row${expanded ? " expanded" : ""}`, dataset: { unit: city.code } },
    h("td", { class: "num rank", text: String(rank) }),
    h(
      "th",
      { scope: "row", class: "unit-name" },
      toggle,
      unitLink(city.code, city.name, onOpen),
      capped ? h("span", { class: "pill bad binding-count", text: t("standings.bindingCount", { n: capped }) }) : null,
    ),
    h("td", { class: "num score", dataset: { score: city.code }, text: city.score }),
    h("td", { class: "num deduction", text: city.deduction }),
    city.items.map(itemCell),
  );
  return expanded ? [row, ...countyRows(city, onOpen)] : [row];
}

export function renderStandings(container, { onOpen }) {
  const standings = state.standings;
  const redraw = () => renderStandings(container, { onOpen });
  if (!standings.cities.length) {
    clear(container, h("p", { class: "muted", text: t("standings.none") }));
    return;
  }
  const table = h(
    "table",
    { class: "standings", id: "standings-table" },
    h("caption", { class: "muted", text: t("standings.caption") }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "num", text: t("standings.rank") }),
        h("th", { scope: "col", text: t("standings.city") }),
        h("th", { scope: "col", class: "num", text: t("standings.score") }),
        h("th", { scope: "col", class: "num", text: t("standings.deduction") }),
        itemHeaders(),
      ),
    ),
    h(
      "tbody",
      {},
      rankedCities(standings).map((city, index) => cityRows(city, index + 1, onOpen, redraw)),
    ),
  );
  clear(container, h("div", { class: "table-scroll" }, table));
}

// A city's own venue and counties, for the city's page.
export function renderCountyTable(container, city, { onOpen }) {
  const table = h(
    "table",
    { class: "standings compact" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }),
        h("th", { scope: "col", text: t("standings.unit") }),
        h("th", { scope: "col", class: "num", text: t("standings.deduction") }),
        itemHeaders(),
      ),
    ),
    h("tbody", {}, countyRows(city, onOpen, { scoreColumn: false })),
  );
  clear(container, h("div", { class: "table-scroll" }, table));
}
