// The live timeline: every console's tags for this meeting, newest first — who, when, venue,
// type, points — with the state of each (waiting to be sent, unconfirmed, failed, voided).
// Voided tags stay, struck through, with the reason. It filters by venue and by kind (扣分 /
// 点名 / 画面提示 / 申诉); roll-call marks fold into one line per checkpoint unless unfolded.

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
    this.kindFilter = "";
    this.unfolded = false;
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
    this.kindSelect = h("select", {
      class: "timeline-kind",
      "aria-label": t("timeline.kind"),
      onchange: () => {
        this.kindFilter = this.kindSelect.value;
        this.update();
        this.kindSelect.blur();
      },
    },
      h("option", { value: "", text: t("timeline.kind.all") }),
      KINDS.map((kind) => h("option", { value: kind, text: t(`timeline.kind.${kind}`) })),
    );
    this.kindSelect.value = this.kindFilter;
    this.foldBox = h("input", {
      type: "checkbox",
      checked: this.unfolded,
      onchange: () => {
        this.unfolded = this.foldBox.checked;
        this.update();
        this.foldBox.blur();
      },
    });
    this.count = h("span", { class: "muted" });
    this.list = h("ol", { class: "timeline-list", "aria-live": "polite", "aria-relevant": "additions" });
    clear(this.root,
      h("div", { class: "timeline-head" }, h("h2", { text: t("timeline.title") }), this.count, this.select),
      h("div", { class: "timeline-tools" }, this.kindSelect, h("label", { class: "fold" }, this.foldBox, ` ${t("timeline.unfold")}`)),
      this.list,
    );
    this.update();
  }

  entries() {
    const rows = [];
    if (!this.state) return rows;
    for (const incident of this.state.incidents.values()) {
      const rollCall = String(incident.data.type).startsWith("roll_call.");
      const group = rollCall ? "roll_call" : incident.data.flag ? "flag" : "incident";
      rows.push({ kind: "incident", group, checkpoint: incident.data.checkpoint, id: incident.data.key, at: incident.data.at, seq: incident.seq, unit: incident.data.unit, incident });
    }
    for (const note of this.state.notes) {
      const group = note.kind === "roll_call.marked" ? "roll_call" : note.kind.startsWith("objection.") ? "objection" : note.kind.startsWith("flag.") ? "flag" : "meeting";
      rows.push({ kind: "note", group, checkpoint: note.data.checkpoint, id: note.id, at: note.kind === "roll_call.marked" ? note.data.marked_at : note.at, seq: note.seq, unit: note.data.unit, note });
    }
    const last = Number.MAX_SAFE_INTEGER;
    rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (b.seq ?? last) - (a.seq ?? last));
    let shown = this.venueFilter ? rows.filter((row) => row.unit === this.venueFilter) : rows;
    if (this.kindFilter) shown = shown.filter((row) => row.group === this.kindFilter || (row.group === "meeting" && !this.venueFilter));
    return this.unfolded ? shown : fold(shown);
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
    clear(this.list, rows.map((row) => (row.kind === "incident" ? this.incidentRow(row.incident) : row.kind === "folded" ? this.foldedRow(row) : this.noteRow(row.note))));
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
      lines.push(h("div", { class: "tl-void", text: t("timeline.voided", { reason: voidReason(data.voided.reason), who: data.voided.by_name || data.voided.by || "—" }) }));
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

  // One line for a checkpoint's marks: how many venues are present, late, absent, excused.
  foldedRow(row) {
    const counts = { present: 0, late: 0, absent: 0, excused: 0 };
    for (const [key, cell] of this.state.marks) {
      const mark = cell.answer || cell.server;
      if (key.startsWith(`${row.checkpoint}/`) && mark && mark.status in counts) counts[mark.status] += 1;
    }
    const summary = Object.entries(counts)
      .filter(([, n]) => n)
      .map(([status, n]) => `${t(`status.${status}`)} ${n}`)
      .join(" · ");
    return h("li", { class: "tl-row note folded", dataset: { id: `fold-${row.checkpoint}`, checkpoint: row.checkpoint } },
      h("div", { class: "tl-main" },
        h("time", { datetime: row.at, text: clock(row.at) }),
        h("span", { class: "tl-venue", text: t("timeline.fold", { checkpoint: t(`checkpoint.${row.checkpoint}`) }) }),
        h("span", { class: "tl-type muted", text: summary || t("timeline.fold.none") }),
        h("span", { class: "tl-points", text: row.points ? `−${row.points}` : "" }),
        h("span", { class: "tl-who muted", text: t("timeline.fold.count", { n: row.size }) }),
      ),
    );
  }

  noteRow(note) {
    let text = t("timeline.other");
    if (note.kind === "roll_call.marked") {
      text = t("timeline.mark", { checkpoint: t(`checkpoint.${note.data.checkpoint}`), status: t(`status.${note.data.status}`) });
      if (note.data.reason) text += ` · ${note.data.reason}`;
    } else if (note.kind.startsWith("objection.")) {
      text = t("timeline.objection", { status: t(`objection.status.${note.data.status}`) });
    } else if (note.kind === "meeting.updated") {
      text = t("timeline.meeting.updated", { title: note.data.title });
    } else if (note.kind === "meeting.cancelled") {
      text = t("timeline.meeting.cancelled", { reason: note.data.cancelled?.reason || "" });
    } else if (note.kind.startsWith("flag.")) {
      text = t("timeline.flag", { kind: t(`flag.kind.${note.data.kind}`), status: t(`flag.status.${note.data.status}`) });
    }
    const who = note.data.marked_by_name || note.data.filed_by_name || note.data.ruled_by_name || note.data.cancelled?.by_name || note.data.decided_by_name || "";
    const at = note.kind === "roll_call.marked" ? note.data.marked_at : note.at;
    return h("li", { class: `tl-row note ${note.kind.replace(".", "-")}`, dataset: { id: note.id, unit: note.data.unit || "" } },
      h("div", { class: "tl-main" },
        h("time", { datetime: at, text: clock(at) }),
        h("span", { class: "tl-venue", text: this.venueName(note.data.unit) }),
        h("span", { class: "tl-type muted", text }),
        h("span", { class: "tl-points" }),
        h("span", { class: "tl-who muted", text: who }),
      ),
    );
  }
}

const KINDS = ["incident", "roll_call", "flag", "objection"];
// The reason Ctrl+Z stores (UNDO_REASON in main.js) is shown in the page's language.
const UNDO_REASON = "撤销";

function voidReason(reason) {
  return reason === UNDO_REASON ? t("timeline.undone") : reason;
}

// Roll-call rows (marks and their late/absent incidents) become one row per checkpoint, placed
// where the checkpoint's newest row was.
function fold(rows) {
  const out = [];
  const folded = new Map();
  for (const row of rows) {
    if (row.group !== "roll_call" || !row.checkpoint) {
      out.push(row);
      continue;
    }
    let group = folded.get(row.checkpoint);
    if (!group) {
      group = { kind: "folded", id: `fold-${row.checkpoint}`, checkpoint: row.checkpoint, at: row.at, size: 0, cents: 0 };
      folded.set(row.checkpoint, group);
      out.push(group);
    }
    group.size += 1;
    const data = row.incident?.data;
    if (data && !data.voided) group.cents += Math.round(Number(data.points) * 100);
  }
  for (const group of folded.values()) group.points = group.cents ? (group.cents / 100).toFixed(2) : "";
  return out;
}
