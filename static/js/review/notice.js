// One line at the top of the page that says what just happened, or what went wrong, with at
// most one follow-up action.

import { t } from "../i18n.js";

let timer = null;

export function notify(message, { kind = "ok", action = null } = {}) {
  const notice = document.getElementById("review-notice");
  if (!notice) return;
  clearTimeout(timer);
  notice.replaceChildren(message);
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quiet";
    button.id = "notice-action";
    button.textContent = action.label;
    button.addEventListener("click", () => {
      notice.hidden = true;
      action.run();
    });
    notice.append(" ", button);
  }
  notice.dataset.kind = kind;
  notice.hidden = false;
  if (kind === "ok" && !action) timer = setTimeout(() => (notice.hidden = true), 8000);
}

export function notifyError(error) {
  notify(t("review.error", { message: error?.message ?? String(error) }), { kind: "error" });
}
