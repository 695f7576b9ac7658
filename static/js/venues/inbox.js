// 画面检测 inbox: flags raised while no meeting was on (a venue checked before or between
// meetings). A controller confirms one into an incident without a meeting, or dismisses it.
import { api } from "/static/js/api.js";
import { register, t } from "/static/js/i18n.js";
import { h } from "/static/js/dom.js";
import { AUDIO_KINDS, errorText, evidenceUrl, kindName } from "/static/js/checks/kinds.js";

register({
  "inbox.title": ["画面检测 · 会外提示", "Frame and audio checks outside meetings"],
  "inbox.hint": [
    "会议之外（会前调试、会间）检测到的画面与声音问题；确认后记为扣分记录（不属于任何会议），或忽略。",
    "Problems found while no meeting was on; confirm one into an incident (with no meeting) or dismiss it.",
  ],
  "inbox.empty": ["暂无待处理的提示", "Nothing to decide"],
  "inbox.confirm": ["确认扣分", "Confirm"],
  "inbox.note_equipment": ["记入音频设备", "Note on audio equipment"],
  "inbox.dismiss": ["忽略", "Dismiss"],
  "inbox.confirmed": ["已记为扣分记录", "Recorded as an incident"],
  "inbox.dismissed": ["已忽略", "Dismissed"],
  "inbox.cleared": ["已恢复", "recovered"],
});

let names = new Map();
let canDecide = false;

export function setupInbox({ venues, role }) {
  names = new Map(venues.map((v) => [v.unit, v.name]));
  canDecide = role === "admin" || role === "controller";
}

export function updateNames(venues) {
  names = new Map(venues.map((v) => [v.unit, v.name]));
}

function evidence(flag) {
  const parts = [];
  if (flag.clip) {
    parts.push(h("audio", { controls: true, preload: "none", src: evidenceUrl(flag.clip), "aria-label": t("audio.clip") }));
  }
  if (flag.snapshot) {
    parts.push(h("img", { class: "inbox-thumb", src: evidenceUrl(flag.snapshot), alt: kindName(flag.kind), loading: "lazy" }));
  }
  return parts;
}

async function decide(flag, action, row) {
  const status = document.getElementById("inbox-status");
  const error = document.getElementById("inbox-error");
  error.textContent = "";
  for (const button of row.querySelectorAll("button")) button.disabled = true;
  try {
    const result = await api("POST", `/api/flags/${flag.id}/${action}`, { body: {} });
    status.textContent =
      action === "dismiss" ? t("inbox.dismissed") : result.status === "noted" ? t("flag.noted") : t("inbox.confirmed");
    status.hidden = false;
    await loadInbox();
  } catch (failure) {
    error.textContent = errorText(failure);
    for (const button of row.querySelectorAll("button")) button.disabled = false;
  }
}

export async function loadInbox() {
  const page = await api("GET", "/api/flags?status=open&outside_meeting=true&limit=200");
  const list = document.getElementById("inbox-rows");
  if (!page.items.length) {
    list.replaceChildren(h("li", { class: "muted" }, t("inbox.empty")));
    return;
  }
  list.replaceChildren(
    ...page.items.map((flag) => {
      const row = h(
        "li",
        { class: "inbox-flag", "data-flag": String(flag.id), "data-kind": flag.kind },
        h("strong", {}, `${names.get(flag.unit) || flag.unit} · ${kindName(flag.kind)}`),
        h(
          "span",
          { class: "muted" },
          ` ${flag.raised_at.replace("T", " ").slice(0, 16)}`,
          AUDIO_KINDS.has(flag.kind) && flag.metrics.audio_state ? ` · ${t(`audio.${flag.metrics.audio_state}`)}` : "",
          flag.cleared_at ? ` · ${t("inbox.cleared")}` : "",
        ),
        h("div", { class: "inbox-evidence" }, ...evidence(flag)),
      );
      if (canDecide) {
        const confirm = h("button", { type: "button", class: "primary", "data-action": "confirm" },
          flag.kind === "silent" ? t("inbox.note_equipment") : t("inbox.confirm"));
        const dismiss = h("button", { type: "button", "data-action": "dismiss" }, t("inbox.dismiss"));
        confirm.addEventListener("click", () => decide(flag, "confirm", row));
        dismiss.addEventListener("click", () => decide(flag, "dismiss", row));
        row.append(h("div", { class: "inbox-actions" }, confirm, dismiss));
      }
      return row;
    }),
  );
}
