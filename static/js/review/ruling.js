// Ruling on an objection: uphold (the incident is voided, citing the objection) or reject, each
// with a reason. The dialog answers with the ruled objection, or null when cancelled.

import { api } from "../api.js";
import { t } from "../i18n.js";
import { objectionTitle } from "../names.js";
import { clear, h, shanghaiMinute } from "./dom.js";
import { notify } from "./notice.js";
import { announceChange, state } from "./state.js";

// A void counts from its own moment on: standings asked for an earlier moment do not change. The
// notice says so and offers "now". By default the standings are known now (the register of a
// closed year stays its year-end one), so they change at once.
function announceRuling(result) {
  const shownAt = state.asOf ? state.standings?.as_of : null;
  const later = result.status === "upheld" && shownAt && new Date(result.ruled_at) > new Date(shownAt);
  if (later) {
    notify(t("ruling.done.upheldLater", { id: result.id, asOf: shanghaiMinute(shownAt) }), {
      action: {
        label: t("review.asOf.now"),
        run: () => document.dispatchEvent(new CustomEvent("review:as-of-now", { detail: { notBefore: result.ruled_at } })),
      },
    });
  } else {
    notify(t(`ruling.done.${result.status}`, { id: result.id }));
  }
  announceChange({ objection: result });
}

export function openRuling(objection, decision) {
  const dialog = document.getElementById("ruling-dialog");
  const uphold = decision === "uphold";
  const error = h("p", { class: "error", role: "alert" });
  const reason = h("textarea", {
    id: "ruling-reason",
    name: "reason",
    rows: "3",
    maxlength: "200",
    required: true,
  });
  const confirm = h("button", {
    type: "submit",
    class: uphold ? "primary" : "danger",
    id: "ruling-confirm",
    text: t(uphold ? "ruling.confirmUphold" : "ruling.confirmReject"),
  });
  const cancel = h("button", { type: "button", class: "quiet", text: t("ruling.cancel") });
  const form = h(
    "form",
    { class: "stack wide" },
    h("h2", { id: "ruling-title", text: t(uphold ? "ruling.upholdTitle" : "ruling.rejectTitle", { id: objection.id }) }),
    h("p", { class: "muted", text: t(uphold ? "ruling.upholdNote" : "ruling.rejectNote", { key: objectionTitle(objection) }) }),
    h("blockquote", { class: "objection-reason", text: objection.reason }),
    h("label", { for: "ruling-reason" }, h("span", { text: t("ruling.reason") })),
    reason,
    error,
    h("div", { class: "dialog-buttons" }, cancel, confirm),
  );
  clear(dialog, form);

  return new Promise((resolve) => {
    let result = null;
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => resolve(result), { once: true });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        error.textContent = t("reason.required");
        reason.focus();
        return;
      }
      confirm.disabled = true;
      error.textContent = "";
      try {
        result = await api("POST", `/api/objections/${objection.id}/ruling`, {
          body: { decision, reason: text },
        });
        dialog.close();
        announceRuling(result);
      } catch (failure) {
        error.textContent = failure.message;
        confirm.disabled = false;
      }
    });
    dialog.showModal();
    reason.focus();
  });
}
