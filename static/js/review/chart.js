// The month-by-month chart: one stacked bar per month, a segment per item (vendored Chart.js,
// loaded on first use).

import { currentLang, t } from "../i18n.js";
import { h, clear, toCents, formatCents } from "./dom.js";
import { itemName } from "./messages.js";
import { state } from "./state.js";

const CHART_JS = "/static/vendor/chart.js-4.6.1/chart.umd.min.js";
const COLOURS = {
  roll_call: "#1f5fbf",
  venue_order: "#e08a00",
  hd_rooms: "#7a56c2",
  room_equipment: "#2a9d8f",
  staffing: "#c2417a",
  install_cooperation: "#6b8e23",
  leader_criticism: "#b3261e",
};
const SPARE = ["#5f6b7a", "#8d6e63", "#00838f"];

let loading = null;

const englishMonth = new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" });

function monthLabel(month) {
  if (currentLang() === "en") return englishMonth.format(new Date(Date.UTC(2019, month - 1, 15)));
  return t("chart.month", { m: month });
}

function loadChartJs() {
  loading ??= import(CHART_JS).then(() => {
    if (!globalThis.Chart) throw new Error("Chart.js did not load");
    return globalThis.Chart;
  });
  return loading;
}

export async function renderMonthlyChart(container, monthly) {
  const hasPoints = monthly.series.some((s) => s.months.some((m) => toCents(m) > 0));
  if (!hasPoints) {
    clear(container, h("p", { class: "muted", text: t("chart.empty") }));
    return null;
  }
  const canvas = h("canvas", {
    id: "monthly-chart",
    role: "img",
    "aria-label": t("chart.title"),
  });
  const table = summaryTable(monthly);
  clear(container, h("div", { class: "chart-box" }, canvas), table);
  let Chart;
  try {
    Chart = await loadChartJs();
  } catch (error) {
    clear(container, h("p", { class: "error", text: t("chart.failed", { message: error.message }) }), table);
    return null;
  }
  const series = monthly.series.filter((s) => s.months.some((m) => toCents(m) > 0));
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: Array.from({ length: 12 }, (_, i) => monthLabel(i + 1)),
      datasets: series.map((s, index) => ({
        label: itemName(state.rulebook, s.item),
        data: s.months.map((m) => toCents(m) / 100),
        backgroundColor: COLOURS[s.item] ?? SPARE[index % SPARE.length],
        borderWidth: 0,
        stack: "items",
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 12 } } },
        tooltip: {
          callbacks: {
            label: (context) => `${context.dataset.label}: ${formatCents(Math.round(context.parsed.y * 100))}`,
          },
        },
      },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: {
          stacked: true,
          beginAtZero: true,
          title: { display: true, text: t("chart.points") },
          ticks: { callback: (value) => Number(value).toFixed(2) },
        },
      },
    },
  });
}

// The same figures as a table, for screen readers and for print.
function summaryTable(monthly) {
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  return h(
    "details",
    { class: "chart-table" },
    h("summary", { text: t("chart.title") }),
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "monthly" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", text: t("unit.item") }),
            months.map((m) => h("th", { scope: "col", class: "num", text: monthLabel(m) })),
          ),
        ),
        h(
          "tbody",
          {},
          monthly.series.map((s) =>
            h(
              "tr",
              {},
              h("th", { scope: "row", text: itemName(state.rulebook, s.item) }),
              s.months.map((m) => h("td", { class: `num${toCents(m) ? "" : " muted"}`, text: m })),
            ),
          ),
        ),
      ),
    ),
  );
}
