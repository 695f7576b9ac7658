// The live timeline: every console's tags for this meeting, newest first — who, when, venue,
// type, points — with the state of each (waiting to be sent, unconfirmed, failed, voided).
// Voided tags stay, struck through, with the reason.

import { t } from "../i18n.js";
import { cameraIcon, clear, clock, h } from "./dom.js";

export class TimelineView {
  constructor({ root, venues, canWrite, typeName, onVoid, onRetry, onDrop }) {
    this.root = root;
    this.venues = venues;
    this.venueByCode = new Map(venues.map((v) => [v.code, v]));
    this.canWrite = canWrite;
    this.typeName = typeName;
    this.onVoid = onVoid;
    this.onRetry = onRetry;
    this.onDrop = onDrop;
    this.venueFilter = "";
    this.state = null;
    this.render();
  }

  setState(state) {
    this.state = state;
    this.update();
  }

  render() {
    this.select = h("select", {
      class: "timeline-filter",
      "aria-label": t("timeline.all"),
      onchange: () => {
        this.venueFilter = this.select.value;
        this.update();
        // Back to the keyboard's work: digits pick venues again, not options.
        this.select.blur();
      },
    },
      h("option", { value: "", text: t("timeline.all") }),
      this.venues.map((v) => h("option", { value: v.code, text: `${v.number} ${v.name}` })),
    );
    this.select.value = this.venueFilter;
    this.count = h("span", { class: "muted" });
    this.list = h("ol", { class: "timeline-list", "aria-live": "polite", "aria-relevant": "additions" });
    clear(this.root,
      h("div", { class: "timeline-head" }, h("h2", { text: t("timeline.title") }), this.count, this.select),
      this.list,
    );
    this.update();
  }

  entries() {
    const rows = [];
    if (!this.state) return rows;
    for (const incident of this.state.incidents.values()) {
      rows.push({ kind: "incident", id: incident.data.key, at: incident.data.at, seq: incident.seq, unit: incident.data.unit, incident });
    }
    for (const note of this.state.notes) {
      rows.push({ kind: "note", id: note.id, at: note.kind === "roll_call.marked" ? note.data.marked_at : note.at, seq: note.seq, unit: note.data.unit, note });
    }
    const last = Number.MAX_SAFE_INTEGER;
    rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (b.seq ?? last) - (a.seq ?? last));
    return this.venueFilter ? rows.filter((row) => row.unit === this.venueFilter) : rows;
  }

  update() {
    if (!this.list) return;
    const focused = document.activeElement;
    const focusKey = focused && this.list.contains(focused) ? [focused.closest("li")?.dataset.id, focused.dataset.action] : null;
    const rows = this.entries();
    const tagged = rows.filter((row) => row.kind === "incident").length;
    this.count.textContent = t("timeline.count", { n: tagged });
    if (!rows.length) {
      clear(this.list, h("li", { class: "tl-empty muted", text: t("timeline.empty") }));
      return;
    }
    clear(this.list, rows.map((row) => (row.kind === "incident" ? this.incidentRow(row.incident) : this.noteRow(row.note))));
    if (focusKey) {
      const again = this.list.querySelector(`li[data-id="${CSS.escape(focusKey[0] || "")}"] [data-action="${CSS.escape(focusKey[1] || "")}"]`);
      if (again) again.focus();
    }
  }

  venueName(code) {
    const venue = this.venueByCode.get(code);
    return venue ? venue.name : code;
  }

  incidentRow(incident) {
    const data = incident.data;
    const voided = Boolean(data.voided);
    const cancelled = incident.local === "cancelled";
    const struck = voided || cancelled || incident.voiding;
    let state = "confirmed";
    if (cancelled) state = "cancelled";
    else if (incident.local === "failed") state = "failed";
    else if (incident.local === "pending") state = "pending";
    else if (incident.local === "sending") state = "sending";
    else if (voided) state = "voided";
    else if (incident.voiding) state = "voiding";
    const badges = [];
    if (state === "pending") badges.push(h("span", { class: "pill warn", text: t("timeline.pending") }));
    if (state === "sending") badges.push(h("span", { class: "pill", text: t("timeline.sending") }));
    if (state === "voiding") badges.push(h("span", { class: "pill warn", text: t("timeline.voiding") }));
    if (state === "cancelled") badges.push(h("span", { class: "pill", text: t("timeline.cancelled") }));
    const actions = [];
    if (data.evidence) {
      actions.push(h("a", {
        class: "evidence-link",
        href: `/api/evidence/${encodeURIComponent(data.evidence)}`,
        target: "_blank",
        rel: "noopener",
        title: t("timeline.evidence"),
        "aria-label": t("timeline.evidence"),
      }, cameraIcon()));
    } else if (incident.hasSnapshot) {
      actions.push(h("span", { class: "evidence-link muted", title: t("tag.snapshot") }, cameraIcon()));
    }
    if (this.canWrite && state === "failed") {
      actions.push(
        h("button", { type: "button", class: "quiet", dataset: { action: "retry" }, text: t("timeline.retry"), onclick: () => this.onRetry(data.key) }),
        h("button", { type: "button", class: "quiet", dataset: { action: "drop" }, text: t("timeline.drop"), onclick: () => this.onDrop(data.key) }),
      );
    } else if (this.canWrite && !struck && state !== "failed") {
      actions.push(h("button", {
        type: "button",
        class: "quiet void",
        dataset: { action: "void" },
        title: t("timeline.void.title"),
        text: t("timeline.void"),
        onclick: () => this.onVoid(data.key),
      }));
    }
    const details = [];
    if (data.checkpoint) details.push(t(`checkpoint.${data.checkpoint}`));
    if (data.note) details.push(data.note);
    const lines = [];
    if (details.length) lines.push(h("div", { class: "tl-note", text: details.join(" · ") }));
    if (voided) {
      lines.push(h("div", { class: "tl-void", text: t("timeline.voided", { reason: data.voided.reason, who: data.voided.by_name || data.voided.by || "—" }) }));
    }
    if (state === "failed") lines.push(h("div", { class: "tl-error error", text: t("timeline.failed", { msg: incident.error || "" }) }));
    if (incident.voidError) lines.push(h("div", { class: "tl-error error", text: incident.voidError }));
    return h("li", {
      class: `tl-row incident ${state}${struck ? " struck" : ""}`,
      dataset: { id: data.key, key: data.key, state, unit: data.unit, type: data.type },
    },
      h("div", { class: "tl-main" },
        h("time", { datetime: data.at, text: clock(data.at) }),
        h("span", { class: "tl-venue", text: this.venueName(data.unit) }),
        h("span", { class: "tl-type", text: this.typeName(data.type) }),
        h("span", { class: "tl-points", text: `−${data.points}` }),
        h("span", { class: "tl-who muted", text: data.logged_by_name || data.logged_by || "" }),
        badges,
        h("span", { class: "tl-actions" }, actions),
      ),
      lines,
    );
  }

  noteRow(note) {
    let text = note.kind;
    if (note.kind === "roll_call.marked") {
      text = t("timeline.mark", { checkpoint: t(`checkpoint.${note.data.checkpoint}`), status: t(`status.${note.data.status}`) });
      if (note.data.reason) text += ` · ${note.data.reason}`;
    } else if (note.kind.startsWith("objection.")) {
      text = t("timeline.objection", { status: t(`objection.status.${note.data.status}`) });
    }
    const at = note.kind === "roll_call.marked" ? note.data.marked_at : note.at;
    return h("li", { class: `tl-row note ${note.kind.replace(".", "-")}`, dataset: { id: note.id, unit: note.data.unit || "" } },
      h("div", { class: "tl-main" },
        h("time", { datetime: at, text: clock(at) }),
        h("span", { class: "tl-venue", text: this.venueName(note.data.unit) }),
        h("span", { class: "tl-type muted", text }),
        h("span", { class: "tl-points" }),
        h("span", { class: "tl-who muted", text: note.actor || "" }),
      ),
    );
  }
}
