// A unit's incidents for the year (a city's: its own venue's and its counties'), filtered by
// item, type, meeting, dates and status, a page at a time, newest first.

import { api, describeError } from "../api.js";
import { t } from "../i18n.js";
import { clear, h, nextDay, shanghaiIso, shanghaiMinute } from "./dom.js";
import { evidenceUrl, openIncident, showEvidence } from "./incident.js";
import { itemName, sourceName, typeName } from "./messages.js";
import { canObject, state, unitName } from "./state.js";

export const PAGE_SIZE = 25;

function option(value, text, selected) {
  return h("option", { value, text, selected: value === selected });
}

function labelled(id, key, control) {
  return h("label", { class: "filter", for: id }, h("span", { text: t(key) }), control);
}

export function incidentQuery(unit, filters) {
  const params = new URLSearchParams({ year: String(state.year) });
  if (unit.level === "city" && !filters.unit) {
    params.append("unit", unit.code);
    for (const county of unit.score.counties) params.append("unit", county.code);
  } else {
    params.append("unit", filters.unit || unit.code);
  }
  if (filters.item) params.set("item", filters.item);
  if (filters.type) params.set("type", filters.type);
  if (filters.meeting) params.set("meeting", filters.meeting);
  if (filters.from) params.set("from", shanghaiIso(filters.from));
  if (filters.to) params.set("to", shanghaiIso(nextDay(filters.to)));
  if (filters.status === "live") params.set("voided", "false");
  if (filters.status === "voided") params.set("voided", "true");
  params.set("limit", String(PAGE_SIZE));
  params.set("offset", String(filters.offset));
  return params;
}

export function createIncidentList(container, unit, { openObjections }) {
  const filters = { unit: "", item: "", type: "", meeting: "", from: "", to: "", status: "", offset: 0 };
  let request = 0;
  const controls = h("form", { class: "filters", id: "incident-filters" });
  const body = h("div", { class: "incident-results", "aria-live": "polite" });
  clear(container, controls, body);

  function changed(name, value) {
    filters[name] = value;
    if (name === "item") filters.type = "";
    filters.offset = 0;
    drawControls();
    load();
  }

  function select(id, name, options) {
    const control = h("select", { id, name }, options);
    control.addEventListener("change", () => changed(name, control.value));
    return control;
  }

  function drawControls() {
    const items = state.rulebook.items.filter((item) => !item.derived);
    const item = state.rulebook.items.find((entry) => entry.code === filters.item);
    const types = item ? item.types : items.flatMap((entry) => entry.types);
    const fields = [];
    if (unit.level === "city") {
      fields.push(
        labelled(
          "filter-unit",
          "incidents.unit",
          select("filter-unit", "unit", [
            option("", t("incidents.allUnits"), filters.unit),
            option(unit.code, t("standings.own", { name: unit.name }), filters.unit),
            unit.score.counties.map((county) => option(county.code, county.name, filters.unit)),
          ]),
        ),
      );
    }
    fields.push(
      labelled(
        "filter-item",
        "incidents.item",
        select("filter-item", "item", [
          option("", t("incidents.all"), filters.item),
          items.map((entry) => option(entry.code, itemName(state.rulebook, entry.code), filters.item)),
        ]),
      ),
      labelled(
        "filter-type",
        "incidents.type",
        select("filter-type", "type", [
          option("", t("incidents.all"), filters.type),
          types.map((entry) => option(entry.code, typeName(state.rulebook, entry.code), filters.type)),
        ]),
      ),
      labelled(
        "filter-meeting",
        "incidents.meeting",
        select("filter-meeting", "meeting", [
          option("", t("incidents.all"), filters.meeting),
          [...state.meetings.values()].map((m) =>
            option(m.key, `${shanghaiMinute(m.starts_at).slice(5, 10)} ${m.title}`, filters.meeting),
          ),
        ]),
      ),
    );
    for (const [name, key] of [["from", "incidents.from"], ["to", "incidents.to"]]) {
      const input = h("input", {
        type: "date",
        id: `filter-${name}`,
        name,
        value: filters[name],
        min: `${state.year}-01-01`,
        max: `${state.year}-12-31`,
      });
      input.addEventListener("change", () => changed(name, input.value));
      fields.push(labelled(`filter-${name}`, key, input));
    }
    fields.push(
      labelled(
        "filter-status",
        "incidents.status",
        select("filter-status", "status", [
          option("", t("incidents.all"), filters.status),
          option("live", t("incidents.live"), filters.status),
          option("voided", t("incidents.voidedOnly"), filters.status),
        ]),
      ),
    );
    const reset = h("button", { type: "button", class: "quiet", text: t("incidents.reset") });
    reset.addEventListener("click", () => {
      Object.assign(filters, { unit: "", item: "", type: "", meeting: "", from: "", to: "", status: "", offset: 0 });
      drawControls();
      load();
    });
    clear(controls, fields, h("div", { class: "filter filter-buttons" }, reset));
  }

  function stateCell(incident) {
    if (incident.voided) return h("span", { class: "pill", text: t("state.voided") });
    if (openObjections().has(incident.key)) return h("span", { class: "pill warn", text: t("state.objected") });
    return h("span", { class: "pill ok", text: t("state.counting") });
  }

  function row(incident) {
    const caption = `${unitName(incident.unit)} · ${typeName(state.rulebook, incident.type)} · ${shanghaiMinute(incident.at)}`;
    const meeting = incident.meeting ? state.meetings.get(incident.meeting) : null;
    const actions = h(
      "td",
      { class: "row-actions" },
      h("button", {
        type: "button",
        class: "quiet",
        dataset: { open: incident.key },
        text: t("incidents.details"),
        onclick: () => openIncident(incident.key),
      }),
    );
    if (canObject() && !incident.voided && !openObjections().has(incident.key)) {
      actions.append(
        h("button", {
          type: "button",
          class: "object",
          dataset: { object: incident.key },
          text: t("objection.file"),
          onclick: () => openIncident(incident.key, { fileNow: true }),
        }),
      );
    }
    return h(
      "tr",
      { class: incident.voided ? "voided-row" : "", dataset: { incident: incident.key } },
      h("td", { class: "nowrap", text: shanghaiMinute(incident.at) }),
      unit.level === "city" ? h("td", { text: unitName(incident.unit) }) : null,
      h(
        "td",
        {},
        h("span", { class: "type-name", text: typeName(state.rulebook, incident.type) }),
        h("span", { class: "muted item-of", text: itemName(state.rulebook, incident.item) }),
      ),
      h("td", { class: "num", text: incident.points }),
      h("td", { class: "meeting-cell", title: meeting?.title ?? "", text: meeting ? meeting.title : incident.meeting ?? "—" }),
      h("td", { class: "nowrap", text: sourceName(incident.source) }),
      h("td", { class: "nowrap", text: incident.logged_by_name ?? incident.logged_by ?? "—" }),
      h("td", { class: "note-cell", title: incident.note ?? "", text: incident.note ?? "" }),
      h(
        "td",
        {},
        incident.evidence && incident.evidence.endsWith(".wav")
          ? h("audio", { controls: true, preload: "none", src: evidenceUrl(incident.evidence), "aria-label": caption })
          : incident.evidence
          ? h(
              "button",
              {
                type: "button",
                class: "thumb-button",
                title: t("incident.enlarge"),
                onclick: () => showEvidence(incident.evidence, caption),
              },
              h("img", { src: evidenceUrl(incident.evidence), alt: caption, class: "thumb", loading: "lazy" }),
            )
          : null,
      ),
      h("td", {}, stateCell(incident)),
      actions,
    );
  }

  function filtered() {
    return ["unit", "item", "type", "meeting", "from", "to", "status"].some((name) => filters[name]);
  }

  // Nothing to show, and why: the filters leave nothing, or the year has no records at all.
  function table(page) {
    if (!page.items.length) {
      return h("p", { class: "muted empty", text: t(filtered() ? "incidents.noneFiltered" : "incidents.noneYear", { year: state.year }) });
    }
    return h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "incidents", id: "incident-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", text: t("incidents.at") }),
            unit.level === "city" ? h("th", { scope: "col", text: t("incidents.unit") }) : null,
            h("th", { scope: "col", text: t("incidents.type") }),
            h("th", { scope: "col", class: "num", text: t("incidents.points") }),
            h("th", { scope: "col", text: t("incidents.meeting") }),
            h("th", { scope: "col", text: t("incidents.source") }),
            h("th", { scope: "col", text: t("incidents.loggedBy") }),
            h("th", { scope: "col", text: t("incidents.note") }),
            h("th", { scope: "col", text: t("incidents.evidence") }),
            h("th", { scope: "col", text: t("incidents.state") }),
            h("th", { scope: "col", text: t("incidents.actions") }),
          ),
        ),
        h("tbody", {}, page.items.map(row)),
      ),
    );
  }

  function pager(page) {
    if (!page.total) return null;
    const from = page.offset + 1;
    const to = page.offset + page.items.length;
    const previous = h("button", { type: "button", class: "quiet", id: "page-prev", text: t("incidents.prev"), disabled: page.offset === 0 });
    const next = h("button", { type: "button", class: "quiet", id: "page-next", text: t("incidents.next"), disabled: to >= page.total });
    previous.addEventListener("click", () => {
      filters.offset = Math.max(0, filters.offset - PAGE_SIZE);
      load();
    });
    next.addEventListener("click", () => {
      filters.offset += PAGE_SIZE;
      load();
    });
    return h(
      "div",
      { class: "pager" },
      h("span", { class: "muted", id: "page-range", text: t("incidents.range", { from, to, total: page.total }) }),
      previous,
      next,
    );
  }

  let lastPage = null;

  function drawPage() {
    if (!lastPage) return;
    clear(body, table(lastPage), pager(lastPage), h("p", { class: "muted small", text: t("incidents.derivedNote") }));
  }

  async function load() {
    const mine = ++request;
    // An inverted range can match nothing: say so instead of asking the server.
    if (filters.from && filters.to && filters.from > filters.to) {
      lastPage = null;
      clear(body, h("p", { class: "error empty", role: "alert", id: "inverted-range", text: t("incidents.inverted") }));
      return;
    }
    body.setAttribute("aria-busy", "true");
    try {
      const query = incidentQuery(unit, filters);
      controls.dataset.query = query.toString(); // the CSV export follows it (exports.js)
      const page = await api("GET", `/api/incidents?${query}`);
      if (mine !== request) return;
      lastPage = page;
      drawPage();
    } catch (failure) {
      if (mine === request) clear(body, h("p", { class: "error", role: "alert", text: describeError(failure) }));
    } finally {
      if (mine === request) body.removeAttribute("aria-busy");
    }
  }

  drawControls();
  // `redraw` draws again what is known (new words, meeting titles) without asking the server.
  return {
    load,
    redraw: () => {
      drawControls();
      drawPage();
    },
  };
}
