// "What the unit loses now, and why": one line per finding, totals per item and overall.
import { t } from "/static/js/i18n.js";
import { el } from "./dom.js";

function hundredths(points) {
  const [whole, fraction = "0"] = points.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

function format(total) {
  return `${Math.floor(total / 100)}.${String(total % 100).padStart(2, "0")}`;
}

export function renderLosses(container, findings, savedFindings) {
  const total = findings.reduce((sum, f) => sum + hundredths(f.points), 0);
  const savedTotal = savedFindings.reduce((sum, f) => sum + hundredths(f.points), 0);
  const lines = findings.length
    ? findings.map((finding) => {
        const line = el("div", { class: "line" }, el("span", {}, finding.text), el("span", { class: "points" }, `−${finding.points}`));
        line.dataset.item = finding.item;
        return line;
      })
    : [el("p", { class: "none" }, t("county.none"))];
  const totalLine = el("div", { class: "total" }, el("span", {}, t("county.total")), el("span", { id: "loss-total" }, `−${format(total)}`));
  const saved = el("p", { class: "saved" }, `${t("county.saved_total")}: −${format(savedTotal)}`);
  container.replaceChildren(...lines, totalLine, saved);
}
