// The year's panel on the review page: whether the year is finalized (定稿) and by whom, the
// objection deadline with the days left and the objections still open; reviewers and admins
// finalize (confirming when objections are still open), only an admin reopens, with a reason.

import { ApiError, api, describeError } from "../api.js";
import { register, t } from "../i18n.js";
import { clear, h, shanghaiMinute } from "./dom.js";
import { notify } from "./notice.js";
import { announceChange, state } from "./state.js";

register({
  "year.title": ["{year}年度考核", "Assessment year {year}"],
  "year.final": ["已定稿：{by}，{at}", "Finalized by {by}, {at}"],
  "year.finalNote": ["定稿说明：{note}", "Note: {note}"],
  "year.draft": ["未定稿：扣分仍可变动", "Not final: deductions may still change"],
  "year.deadline": ["申诉截止日：{day}", "Objections close on {day}"],
  "year.daysLeft": ["剩余 {n} 天", "{n} days left"],
  "year.deadlinePassed": ["申诉期已过", "The objection period is over"],
  "year.openObjections": ["未处理的申诉 {n} 件", "{n} objections still open"],
  "year.noOpenObjections": ["没有未处理的申诉", "No objection is open"],
  "year.note": ["定稿说明", "Note"],
  "year.confirmOpen": ["仍有未处理的申诉，确认定稿", "Objections are still open: finalize anyway"],
  "year.finalize": ["定稿", "Finalize"],
  "year.reason": ["重新打开的理由", "Reason for reopening"],
  "year.reopen": ["重新打开", "Reopen"],
  "year.finalized": ["{year}年度已定稿", "{year} is finalized"],
  "year.reopened": ["{year}年度已重新打开", "{year} is open again"],
});

const canFinalize = () => ["admin", "reviewer"].includes(state.account?.role);
const canReopen = () => state.account?.role === "admin";


function objectionList(status) {
  if (!status.open_objections.length) return h("p", { class: "muted", text: t("year.noOpenObjections") });
  return h(
    "details",
    { class: "year-open-objections" },
    h("summary", { text: t("year.openObjections", { n: status.open_objections.length }) }),
    h(
      "ul",
      {},
      ...status.open_objections.map((o) =>
        h("li", { dataset: { objection: String(o.id) }, text: `#${o.id} · ${o.unit} · ${o.incident} · ${shanghaiMinute(o.filed_at)}` }),
      ),
    ),
  );
}

function finalizeForm(container, status) {
  const note = h("input", { name: "note", required: true, maxlength: "200", id: "finalize-note" });
  const confirm = h("input", { type: "checkbox", name: "confirm", id: "finalize-confirm" });
  const form = h(
    "form",
    { class: "year-form", id: "finalize-form" },
    h("label", {}, t("year.note"), " ", note),
    status.open_objections.length ? h("label", {}, confirm, " ", t("year.confirmOpen")) : null,
    h("button", { type: "submit", class: "primary", id: "finalize-submit", text: t("year.finalize") }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", `/api/periods/${status.year}/finalize`, {
        body: { note: note.value.trim(), confirm_open_objections: confirm.checked },
      });
      notify(t("year.finalized", { year: status.year }));
      announceChange({ kind: "period.finalized" });
      await renderYearPanel(container);
    } catch (error) {
      notify(describeError(error), { kind: "error" });
    }
  });
  return form;
}

function reopenForm(container, status) {
  const reason = h("input", { name: "reason", required: true, maxlength: "200", id: "reopen-reason" });
  const form = h(
    "form",
    { class: "year-form", id: "reopen-form" },
    h("label", {}, t("year.reason"), " ", reason),
    h("button", { type: "submit", id: "reopen-submit", text: t("year.reopen") }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", `/api/periods/${status.year}/reopen`, { body: { reason: reason.value.trim() } });
      notify(t("year.reopened", { year: status.year }));
      announceChange({ kind: "period.reopened" });
      await renderYearPanel(container);
    } catch (error) {
      notify(describeError(error), { kind: "error" });
    }
  });
  return form;
}

function draw(container, status) {
  const state_ = status.final
    ? [
        h("p", { class: "year-state final", dataset: { final: "true" }, text: t("year.final", { by: status.finalized_by, at: shanghaiMinute(status.finalized_at) }) }),
        status.finalize_note ? h("p", { class: "muted", text: t("year.finalNote", { note: status.finalize_note }) }) : null,
      ]
    : [h("p", { class: "year-state", dataset: { final: "false" }, text: t("year.draft") })];
  const deadline = h(
    "p",
    { class: "year-deadline" },
    t("year.deadline", { day: status.objection_deadline }),
    " · ",
    status.objection_days_left > 0 ? t("year.daysLeft", { n: status.objection_days_left }) : t("year.deadlinePassed"),
  );
  let action = null;
  if (!status.final && canFinalize()) action = finalizeForm(container, status);
  if (status.final && canReopen()) action = reopenForm(container, status);
  clear(
    container,
    h("h2", { text: t("year.title", { year: status.year }) }),
    ...state_,
    deadline,
    objectionList(status),
    action,
  );
  container.hidden = false;
}

// Draw the panel of the year the page shows (state.year); hidden when there is none.
export async function renderYearPanel(container) {
  if (!container || !state.year) return;
  try {
    draw(container, await api("GET", `/api/periods/${state.year}/status`));
  } catch (error) {
    container.hidden = true;
    if (!(error instanceof ApiError && error.status === 404)) notify(describeError(error), { kind: "error" });
  }
}

document.addEventListener("vcwatch:langchange", () => renderYearPanel(document.getElementById("year-panel")));
