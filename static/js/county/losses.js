// "What the unit loses now, and why": items 3–5, each with its rule in one line from the
// rulebook, then one line per finding (which room lacks what, which post is empty).
import { formatCents, h, toCents } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";

const DERIVED = ["hd_rooms", "room_equipment", "staffing"];

export function ruleLine(item) {
  const params = { points: item.points, cap: item.cap, rooms: item.rooms_required ?? 3 };
  return t(`county.rule.${item.derived}`, params);
}

export function findingText(finding) {
  if (finding.item === "hd_rooms") return t("county.finding.hd_rooms", { n: finding.occurrences });
  if (finding.item === "room_equipment") {
    const list = finding.missing.map((code) => t(`equipment.${code}`)).join(t("county.list.sep"));
    return t("county.finding.room_equipment", { room: finding.room, missing: list });
  }
  if (finding.item === "staffing") {
    const list = finding.missing.map((post) => t(`county.post.${post}`)).join(t("county.list.and"));
    return t("county.finding.staffing", { missing: list });
  }
  return finding.text;
}

// "−0.30", and "0.00" (never "−0.00") when nothing is lost.
export function loss(cents) {
  return cents ? `−${formatCents(cents)}` : formatCents(0);
}

export function renderLosses(container, findings, savedFindings, rulebook) {
  const items = (rulebook?.items || []).filter((item) => DERIVED.includes(item.derived));
  const total = findings.reduce((sum, f) => sum + toCents(f.points), 0);
  const savedTotal = savedFindings.reduce((sum, f) => sum + toCents(f.points), 0);
  const sections = items.map((item) => {
    const own = findings.filter((finding) => finding.item === item.code);
    const subtotal = own.reduce((sum, f) => sum + toCents(f.points), 0);
    const lines = own.length
      ? own.map((finding) =>
          h("div", { class: "line", dataset: { item: finding.item } }, h("span", {}, findingText(finding)), h("span", { class: "points" }, loss(toCents(finding.points)))),
        )
      : [h("p", { class: "none" }, t("county.none"))];
    return h(
      "section",
      { class: "item", dataset: { item: item.code } },
      h("h3", {}, h("span", {}, t(`item.${item.code}`)), h("span", { class: "points" }, loss(subtotal))),
      h("p", { class: "rule muted" }, ruleLine(item)),
      lines,
    );
  });
  const totalLine = h("div", { class: "total" }, h("span", {}, t("county.total")), h("span", { id: "loss-total" }, loss(total)));
  const saved = h("p", { class: "saved" }, `${t("county.saved_total")}: ${loss(savedTotal)}`);
  container.replaceChildren(...sections, totalLine, saved);
}
