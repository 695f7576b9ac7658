// The history of a unit's register: who changed what, when, before → after.
import { t } from "/static/js/i18n.js";
import { el } from "./dom.js";

function describe(kind, state) {
  if (!state) return "—";
  if (kind === "staffing") {
    const names = (people) => people.map((p) => (p.phone ? `${p.name}（${p.phone}）` : p.name)).join("、") || "—";
    return `${t("county.leaders")}: ${names(state.leaders)}\n${t("county.staff")}: ${names(state.staff)}`;
  }
  if (state.removed) return t("county.remove_room");
  const equipment = ["hd_display", "audio", "cabling"]
    .map((key) => `${state.equipment[key] ? "✓" : "✗"}${t(`equipment.${key}`)}`)
    .join(" ");
  return equipment;
}

export function renderHistory(container, changes) {
  const rows = changes.map((change) =>
    el(
      "tr",
      {},
      el("td", {}, change.recorded_at.replace("T", " ").slice(0, 16)),
      el("td", {}, change.recorded_by || ""),
      el("td", {}, change.kind === "room" ? change.name : t("county.staffing")),
      el("td", { class: "diff" }, `${describe(change.kind, change.before)}\n→ ${describe(change.kind, change.after)}`),
    ),
  );
  container.replaceChildren(el("table", {}, el("tbody", {}, ...rows)));
}
