// One incident in full: who logged it, where it came from, its note and evidence image, its void
// history and its objections. A county files an objection here; a reviewer rules on one.

import { api } from "../api.js";
import { t } from "../i18n.js";
import { incidentTitle } from "../names.js";
import { clear, h, shanghaiMinute } from "./dom.js";
import { itemName, sourceName, typeName } from "./messages.js";
import { notify } from "./notice.js";
import { openRuling } from "./ruling.js";
import { announceChange, canObject, canRule, state, unitName } from "./state.js";

export function evidenceUrl(name) {
  return `/api/evidence/${encodeURIComponent(name)}`;
}

export function showEvidence(name, caption) {
  const dialog = document.getElementById("evidence-dialog");
  const image = h("img", { src: evidenceUrl(name), alt: caption, id: "evidence-large" });
  const close = h("button", { type: "button", class: "quiet close", text: t("incident.close") });
  clear(dialog, h("figure", {}, image, h("figcaption", {}, h("span", { id: "evidence-caption", text: caption }), close)));
  close.addEventListener("click", () => dialog.close());
  image.addEventListener("click", () => dialog.close());
  dialog.showModal();
}

export function incidentState(incident) {
  if (incident.voided) return { key: "state.voided", kind: "" };
  if (incident.objections?.some((o) => o.status === "open")) return { key: "state.objected", kind: "warn" };
  return { key: "state.counting", kind: "ok" };
}

function meetingText(key) {
  if (!key) return "—";
  const meeting = state.meetings.get(key);
  return meeting ? `${meeting.title}（${shanghaiMinute(meeting.starts_at)}）` : key;
}

function field(label, value) {
  return [h("dt", { text: t(label) }), h("dd", {}, value ?? "—")];
}

function objectionItem(objection, { onRule }) {
  const status = h("span", {
    class: `pill ${objection.status === "open" ? "warn" : objection.status === "upheld" ? "ok" : "bad"}`,
    text: t(`objection.status.${objection.status}`),
  });
  const item = h(
    "li",
    { class: "objection", dataset: { objection: String(objection.id), status: objection.status } },
    h("div", {}, status, " ", h("span", {
      text: t("objection.line", {
        id: objection.id,
        status: t(`objection.status.${objection.status}`),
        by: objection.filed_by_name ?? objection.filed_by ?? "—",
        at: shanghaiMinute(objection.filed_at),
        reason: objection.reason,
      }),
    })),
  );
  if (objection.ruled_at) {
    item.append(h("div", {
      class: "muted",
      text: t("objection.ruling", {
        by: objection.ruled_by_name ?? objection.ruled_by ?? "—",
        at: shanghaiMinute(objection.ruled_at),
        reason: objection.ruling ?? "",
      }),
    }));
  }
  if (objection.status === "open" && canRule()) {
    item.append(
      h(
        "div",
        { class: "row-actions" },
        h("button", { type: "button", class: "primary", dataset: { rule: "uphold" }, text: t("queue.uphold"), onclick: () => onRule(objection, "uphold") }),
        h("button", { type: "button", class: "danger", dataset: { rule: "reject" }, text: t("queue.reject"), onclick: () => onRule(objection, "reject") }),
      ),
    );
  }
  return item;
}

function objectionForm(incident, { onFiled }) {
  if (!canObject()) return null;
  if (incident.voided) return h("p", { class: "muted", text: t("objection.cannot.voided") });
  if (incident.objections.some((o) => o.status === "open")) {
    return h("p", { class: "muted", text: t("objection.cannot.open") });
  }
  const reason = h("textarea", {
    id: "objection-reason",
    name: "reason",
    rows: "3",
    maxlength: "2000",
    required: true,
    placeholder: t("objection.reasonHint"),
  });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", id: "objection-submit", text: t("objection.submit") });
  const form = h(
    "form",
    { class: "stack wide objection-form", id: "objection-form" },
    h("h3", { text: t("objection.fileTitle", { key: incidentTitle(incident) }) }),
    h("label", { for: "objection-reason" }, h("span", { text: t("objection.reason") })),
    reason,
    error,
    h("div", { class: "dialog-buttons" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      error.textContent = t("reason.required");
      reason.focus();
      return;
    }
    submit.disabled = true;
    error.textContent = "";
    try {
      const filed = await api("POST", "/api/objections", { body: { incident: incident.key, reason: text } });
      notify(t("objection.filed", { id: filed.id }));
      announceChange({ objection: filed });
      onFiled();
    } catch (failure) {
      error.textContent = failure.message;
      submit.disabled = false;
    }
  });
  return form;
}

function render(dialog, incident, { reload, fileNow }) {
  const caption = `${unitName(incident.unit)} · ${typeName(state.rulebook, incident.type)} · ${shanghaiMinute(incident.at)}`;
  const current = incidentState(incident);
  const close = h("button", { type: "button", class: "quiet close", "aria-label": t("incident.close"), text: "×" });
  close.addEventListener("click", () => dialog.close());

  const evidence = incident.evidence && incident.evidence.endsWith(".wav")
    ? h(
        "figure",
        { class: "evidence" },
        h("audio", { controls: true, preload: "none", src: evidenceUrl(incident.evidence), "aria-label": caption }),
        h("figcaption", { class: "muted", text: caption }),
      )
    : incident.evidence
    ? h(
        "figure",
        { class: "evidence" },
        h(
          "button",
          { type: "button", class: "evidence-open", title: t("incident.enlarge"), onclick: () => showEvidence(incident.evidence, caption) },
          h("img", { src: evidenceUrl(incident.evidence), alt: caption, class: "evidence-thumb", id: "evidence-thumb" }),
        ),
        h("figcaption", { class: "muted", text: t("incident.enlarge") }),
      )
    : h("p", { class: "evidence none muted", text: t("incident.noEvidence") });

  const history = incident.voided
    ? h("p", {
        class: "void-line",
        text: t("incident.voidedLine", {
          at: shanghaiMinute(incident.voided.at),
          by: incident.voided.by_name ?? incident.voided.by ?? "—",
          reason: incident.voided.reason,
        }),
      })
    : h("p", { class: "muted", text: t("incident.notVoided") });

  const onRule = async (objection, decision) => {
    const ruled = await openRuling(objection, decision);
    if (ruled) reload();
  };
  const objections = incident.objections.length
    ? h("ul", { class: "objections" }, incident.objections.map((o) => objectionItem(o, { onRule })))
    : h("p", { class: "muted", text: t("incident.noObjections") });
  const form = objectionForm(incident, { onFiled: reload });

  clear(
    dialog,
    h(
      "article",
      { class: "incident-detail", dataset: { incident: incident.key } },
      h(
        "header",
        {},
        h("h2", { id: "incident-title", text: t("incident.title", { key: incidentTitle(incident) }) }),
        h("span", { class: `pill ${current.kind}`, text: t(current.key) }),
        close,
      ),
      h(
        "div",
        { class: "incident-grid" },
        h(
          "dl",
          { class: incident.voided ? "facts voided-facts" : "facts" },
          field("incident.unit", `${unitName(incident.unit)}（${incident.unit}）`),
          field("incident.type", `${itemName(state.rulebook, incident.item)} · ${typeName(state.rulebook, incident.type)}`),
          field("incident.points", incident.points),
          field("incident.at", shanghaiMinute(incident.at)),
          field("incident.meeting", meetingText(incident.meeting)),
          incident.checkpoint ? field("incident.checkpoint", t(`checkpoint.${incident.checkpoint}`)) : null,
          field("incident.source", sourceName(incident.source)),
          field("incident.loggedBy", incident.logged_by_name ?? incident.logged_by ?? "—"),
          field("incident.loggedAt", shanghaiMinute(incident.logged_at)),
          field("incident.note", incident.note || "—"),
        ),
        evidence,
      ),
      h("section", {}, h("h3", { text: t("incident.history") }), history),
      h("section", {}, h("h3", { text: t("incident.objections") }), objections, form),
    ),
  );
  if (fileNow && form?.querySelector) form.querySelector("textarea")?.focus();
}

// Opens the incident's dialog; `fileNow` puts the cursor in the objection form.
export async function openIncident(key, { fileNow = false } = {}) {
  const dialog = document.getElementById("incident-dialog");
  clear(dialog, h("p", { class: "muted", text: t("incident.loading") }));
  if (!dialog.open) dialog.showModal();
  const reload = async (focus = false) => {
    try {
      const incident = await api("GET", `/api/incidents/${encodeURIComponent(key)}`);
      render(dialog, incident, { reload: () => reload(false), fileNow: focus });
    } catch (failure) {
      clear(dialog, h("p", { class: "error", role: "alert", text: failure.message }));
    }
  };
  await reload(fileNow);
}
