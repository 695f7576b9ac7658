// The open objections, newest first, for a reviewer to uphold or reject; and, for a county, the
// objections it has filed with their rulings.

import { api } from "../api.js";
import { t } from "../i18n.js";
import { objectionTitle } from "../names.js";
import { clear, h, shanghaiMinute } from "./dom.js";
import { openIncident } from "./incident.js";
import { itemName, typeName } from "./messages.js";
import { openRuling } from "./ruling.js";
import { state, unitName } from "./state.js";

export const QUEUE_PAGE = 20;

// The queue and the incidents it concerns (fetched together, in parallel).
export async function loadQueue() {
  const page = await api("GET", `/api/objections?status=open&limit=${QUEUE_PAGE}&offset=0`);
  const incidents = await Promise.all(
    page.items.map((o) => api("GET", `/api/incidents/${encodeURIComponent(o.incident)}`).catch(() => null)),
  );
  return { ...page, incidents: new Map(incidents.filter(Boolean).map((i) => [i.key, i])) };
}

export async function loadMine() {
  return api("GET", "/api/objections?limit=100&offset=0");
}

function incidentSummary(incident, objection) {
  if (!incident) return h("span", { text: objectionTitle(objection) });
  return h(
    "span",
    { class: "incident-summary" },
    h("strong", { text: typeName(state.rulebook, incident.type) }),
    h("span", { class: "muted", text: ` · ${itemName(state.rulebook, incident.item)} · ${incident.points}` }),
    h("br"),
    h("span", { class: "muted small", text: shanghaiMinute(incident.at) }),
  );
}

export function renderQueue(container, queue) {
  const heading = h(
    "div",
    { class: "card-head" },
    h("h2", { id: "queue-title", text: t("queue.title") }),
    h("span", { class: `pill ${queue.total ? "warn" : "ok"}`, id: "queue-count", text: t("queue.count", { n: queue.total }) }),
  );
  if (!queue.items.length) {
    clear(container, heading, h("p", { class: "muted", id: "queue-empty", text: t("queue.none") }));
    return;
  }
  const rows = queue.items.map((objection) => {
    const incident = queue.incidents.get(objection.incident);
    return h(
      "tr",
      { dataset: { objection: String(objection.id), incident: objection.incident } },
      h("td", { class: "num", text: `#${objection.id}` }),
      h("td", { text: unitName(objection.unit) }),
      h(
        "td",
        {},
        h(
          "a",
          {
            href: "#",
            class: "incident-link",
            onclick: (event) => {
              event.preventDefault();
              openIncident(objection.incident);
            },
          },
          incidentSummary(incident, objection),
        ),
      ),
      h("td", { class: "reason-cell", text: objection.reason }),
      h(
        "td",
        { class: "nowrap" },
        h("span", { text: objection.filed_by_name ?? objection.filed_by ?? "—" }),
        h("br"),
        h("span", { class: "muted small", text: shanghaiMinute(objection.filed_at) }),
      ),
      h(
        "td",
        { class: "row-actions" },
        h("button", {
          type: "button",
          class: "primary",
          dataset: { rule: "uphold" },
          text: t("queue.uphold"),
          onclick: () => openRuling(objection, "uphold"),
        }),
        h("button", {
          type: "button",
          class: "danger",
          dataset: { rule: "reject" },
          text: t("queue.reject"),
          onclick: () => openRuling(objection, "reject"),
        }),
      ),
    );
  });
  const more = queue.total - queue.items.length;
  clear(
    container,
    heading,
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "queue", id: "queue-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["queue.id", "queue.unit", "queue.incident", "queue.reason", "queue.filed", "queue.actions"].map((key) =>
              h("th", { scope: "col", text: t(key) }),
            ),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
    more > 0 ? h("p", { class: "muted", text: t("queue.more", { n: more }) }) : null,
  );
}

export function renderMine(container, page) {
  const heading = h("h2", { text: t("mine.title") });
  if (!page.items.length) {
    clear(container, heading, h("p", { class: "muted", text: t("mine.none") }));
    return;
  }
  clear(
    container,
    heading,
    h(
      "ul",
      { class: "objections", id: "my-objections" },
      page.items.map((objection) =>
        h(
          "li",
          { class: "objection", dataset: { objection: String(objection.id), status: objection.status } },
          h("span", {
            class: `pill ${objection.status === "open" ? "warn" : objection.status === "upheld" ? "ok" : "bad"}`,
            text: t(`objection.status.${objection.status}`),
          }),
          " ",
          h(
            "a",
            {
              href: "#",
              onclick: (event) => {
                event.preventDefault();
                openIncident(objection.incident);
              },
              text: objectionTitle(objection),
            },
          ),
          h("span", { text: ` · ${objection.reason}` }),
          h("span", { class: "muted small", text: ` · ${shanghaiMinute(objection.filed_at)}` }),
          objection.ruled_at
            ? h("div", {
                class: "muted small",
                text: t("objection.ruling", {
                  by: objection.ruled_by_name ?? objection.ruled_by ?? "—",
                  at: shanghaiMinute(objection.ruled_at),
                  reason: objection.ruling ?? "",
                }),
              })
            : null,
        ),
      ),
    ),
  );
}
