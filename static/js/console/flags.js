// Frame-check flags of the meeting in progress: suggestions from the picture checks, each with
// its figures and a snapshot, for a controller to confirm (it becomes one incident, which reaches
// the timeline through its own `incident.logged` event) or dismiss. Open flags load over REST when
// the meeting opens and on every (re)connect, then follow the `flag.*` events. A flag decided by
// anyone leaves the panel at once; a decided flag never comes back from an older listing.
//
// Keys, while the panel has the focus (⇧F, or a click on a flag): ↑/↓ or K/J move, Y confirms,
// X dismisses, Enter or Space enlarges the snapshot, Esc goes back to tagging.
//
// The panel also shows the venues' signal state: a source that is offline is not a suggestion of
// any deduction, only a grey "信号源离线" count.

import { api, ApiError, describeError } from "../api.js";
import { evidenceUrl, kindName } from "../checks/kinds.js";
import { t } from "../i18n.js";
import { clipPlayer } from "./audio.js";
import { clear, clock, h } from "./dom.js";

export const FLAG_KEYS = { confirm: "Y", dismiss: "X", down: "J", up: "K" };
const PAGE = 500;

// [key, digits, scale, unit]: how a figure is shown, in this order; other figures follow.
const METRICS = [
  ["luma_mean", 1, 1, ""],
  ["black_share", 0, 100, "%"],
  ["sharpness", 1, 1, ""],
  ["detail", 3, 1, ""],
  ["detail_vs_reference", 0, 100, "%"],
  ["rotation_deg", 1, 1, "°"],
  ["line_angle_deg", 1, 1, "°"],
  ["line_agreement", 2, 1, ""],
  ["shift_px", 0, 1, " px"],
  ["scale", 2, 1, ""],
  ["alignment_correlation", 2, 1, ""],
  ["still_seconds", 0, 1, " s"],
  ["diff_changed_share", 1, 100, "%"],
  ["diff_fine_mad", 2, 1, ""],
  ["luma_std", 1, 1, ""],
];
const METRIC_FORMAT = new Map(METRICS.map(([key, digits, scale, unit]) => [key, { digits, scale, unit }]));

export function metricLabel(key) {
  const text = t(`flags.metric.${key}`);
  return text === `flags.metric.${key}` ? key : text;
}

export function metricText(key, value) {
  if (key === "audio_state") return t(`audio.${value}`);
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (typeof value === "number" && Number.isFinite(value)) {
    const format = METRIC_FORMAT.get(key) || { digits: Number.isInteger(value) ? 0 : 2, scale: 1, unit: "" };
    return `${(value * format.scale).toFixed(format.digits)}${format.unit}`;
  }
  if (value === null || value === undefined) return "—";
  return String(value);
}

export function metricParts(metrics) {
  const entries = Object.entries(metrics || {}).filter(([, value]) => value !== null && value !== undefined);
  const known = METRICS.map(([key]) => key);
  entries.sort(([a], [b]) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? known.length : ia) - (ib < 0 ? known.length : ib);
  });
  return entries.map(([key, value]) => ({ key, label: metricLabel(key), value: metricText(key, value) }));
}

/** What a flag's judgement rests on, in words; null for a basis without a sentence. */
export function basisText(basis) {
  if (!basis) return null;
  const text = t(`flags.basis.${basis}`);
  return text === `flags.basis.${basis}` ? null : text;
}

export class FlagsPanel {
  constructor({ root, dialog, venueByCode, canWrite, notify, onLeave }) {
    this.root = root;
    this.dialog = dialog;
    this.venueByCode = venueByCode;
    this.canWrite = canWrite;
    this.notify = notify; // (text, kind) → void
    this.onLeave = onLeave; // () → void: focus goes back to the work area
    this.meeting = null;
    this.flags = new Map(); // id → flag (open only)
    this.decided = new Set(); // ids seen decided: never shown again
    this.busy = new Set(); // ids with a decision on its way
    this.selected = null;
    this.loading = 0;
    this.loadError = null;
    this.offline = []; // venues whose source is offline
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
    this.render();
  }

  // -- data ---------------------------------------------------------------------------

  open(meetingKey) {
    this.meeting = meetingKey;
    this.flags.clear();
    this.decided.clear();
    this.busy.clear();
    this.selected = null;
    this.loadError = null;
    this.update();
    return this.reload();
  }

  close() {
    this.meeting = null;
    this.flags.clear();
    this.update();
  }

  async reload() {
    if (!this.meeting) return;
    const meeting = this.meeting;
    const token = ++this.loading;
    const before = new Set(this.flags.keys());
    const items = [];
    try {
      for (let offset = 0; ; offset += PAGE) {
        const query = `status=open&meeting=${encodeURIComponent(meeting)}&limit=${PAGE}&offset=${offset}`;
        const page = await api("GET", `/api/flags?${query}`);
        items.push(...page.items);
        if (page.items.length < PAGE || items.length >= page.total) break;
      }
    } catch (error) {
      if (token !== this.loading || meeting !== this.meeting) return;
      this.loadError = describeError(error);
      this.update();
      return;
    }
    if (token !== this.loading || meeting !== this.meeting) return;
    this.loadError = null;
    const fresh = new Map(items.map((flag) => [flag.id, flag]));
    // Open before the request and missing from its answer: decided meanwhile. Flags raised by
    // events while the request ran are not in `before` and stay.
    for (const id of before) if (!fresh.has(id)) this.flags.delete(id);
    for (const [id, flag] of fresh) if (!this.decided.has(id)) this.flags.set(id, flag);
    this.update();
  }

  applyEvents(events) {
    let changed = false;
    for (const event of events) {
      if (!this.meeting || event.meeting !== this.meeting || !String(event.kind).startsWith("flag.")) continue;
      const flag = event.data;
      if (!flag || typeof flag.id !== "number") continue;
      if ((event.kind === "flag.raised" || event.kind === "flag.cleared") && flag.status === "open") {
        if (this.decided.has(flag.id)) continue;
        this.flags.set(flag.id, flag);
        changed = true;
      } else if (event.kind === "flag.confirmed" || event.kind === "flag.dismissed" || flag.status !== "open") {
        this.decided.add(flag.id);
        this.busy.delete(flag.id);
        if (this.flags.delete(flag.id)) changed = true;
      }
    }
    if (changed) this.update();
  }

  setVenues(list) {
    this.offline = list.filter((venue) => venue.status === "offline").map((venue) => ({ code: venue.unit, name: venue.name }));
    this.updateHead();
  }

  ordered() {
    return [...this.flags.values()].sort((a, b) => Date.parse(b.raised_at) - Date.parse(a.raised_at) || b.id - a.id);
  }

  venueName(code) {
    const venue = this.venueByCode.get(code);
    return venue ? venue.name : code;
  }

  // -- drawing ------------------------------------------------------------------------

  render() {
    this.title = h("h2", { id: "flags-title" });
    this.count = h("span", { class: "flags-count pill" });
    this.signal = h("span", { class: "signal-badge", hidden: true });
    this.hint = h("span", { class: "flags-hint muted" });
    this.list = h("ol", {
      class: "flags-list",
      "aria-labelledby": "flags-title",
      "aria-live": "polite",
      "aria-relevant": "additions",
    });
    clear(this.root,
      h("div", { class: "flags-head" }, this.title, this.count, this.signal, this.hint),
      this.list,
    );
    this.update();
  }

  updateHead() {
    if (!this.title) return;
    this.title.textContent = t("flags.title");
    this.count.textContent = t("flags.count", { n: this.flags.size });
    this.count.classList.toggle("warn", this.flags.size > 0);
    this.hint.textContent = this.canWrite ? t("flags.hint") : "";
    this.signal.hidden = !this.offline.length;
    this.signal.textContent = t("flags.offline_count", { n: this.offline.length });
    this.signal.title = this.offline.map((venue) => venue.name).join("、");
    this.root.classList.toggle("has-flags", this.flags.size > 0);
  }

  update() {
    if (!this.list) return;
    this.updateHead();
    const hadFocus = this.root.contains(document.activeElement);
    const rows = this.ordered();
    if (this.selected !== null && !this.flags.has(this.selected)) {
      // The selected flag left: take its neighbour, as the list was drawn before.
      const drawn = [...this.list.querySelectorAll("li.flag-row")].map((li) => Number(li.dataset.id));
      const at = drawn.indexOf(this.selected);
      const after = drawn.slice(at + 1).find((id) => this.flags.has(id));
      const before = drawn.slice(0, Math.max(at, 0)).reverse().find((id) => this.flags.has(id));
      this.selected = after ?? before ?? (rows[0] ? rows[0].id : null);
    }
    if (!rows.length) {
      const text = this.loadError ? t("flags.load_error", { msg: this.loadError }) : this.meeting ? t("flags.empty") : "";
      clear(this.list, h("li", { class: `flags-empty ${this.loadError ? "error" : "muted"}`, text }));
      if (hadFocus) this.root.focus();
      return;
    }
    clear(this.list, rows.map((flag) => this.row(flag)));
    if (hadFocus) this.focusSelected();
  }

  row(flag) {
    const selected = flag.id === this.selected;
    const busy = this.busy.has(flag.id);
    const parts = metricParts(flag.metrics);
    const thumb = flag.snapshot
      ? h("button", {
        type: "button",
        class: "flag-thumb",
        tabindex: "-1",
        title: t("flags.enlarge"),
        "aria-label": t("flags.enlarge"),
        onclick: (event) => {
          event.stopPropagation();
          this.enlarge(flag);
        },
      }, h("img", { src: evidenceUrl(flag.snapshot), alt: "", loading: "lazy", decoding: "async" }))
      : h("span", { class: "flag-thumb none muted", text: t("flags.no_snapshot") });
    const clip = flag.clip ? clipPlayer(flag.clip) : null;
    const actions = this.canWrite
      ? h("div", { class: "flag-actions" },
        h("button", {
          type: "button",
          class: "flag-confirm",
          tabindex: "-1",
          disabled: busy,
          "aria-keyshortcuts": FLAG_KEYS.confirm,
          onclick: (event) => {
            event.stopPropagation();
            this.decide(flag.id, "confirm");
          },
        }, h("kbd", { text: FLAG_KEYS.confirm }), h("span", { text: t("flags.confirm") })),
        h("button", {
          type: "button",
          class: "flag-dismiss quiet",
          tabindex: "-1",
          disabled: busy,
          "aria-keyshortcuts": FLAG_KEYS.dismiss,
          onclick: (event) => {
            event.stopPropagation();
            this.decide(flag.id, "dismiss");
          },
        }, h("kbd", { text: FLAG_KEYS.dismiss }), h("span", { text: t("flags.dismiss") })),
      )
      : null;
    const label = `${this.venueName(flag.unit)} · ${kindName(flag.kind)} · ${clock(flag.raised_at)}`;
    return h("li", {
      class: `flag-row${selected ? " selected" : ""}${busy ? " busy" : ""}`,
      tabindex: selected ? "0" : "-1",
      "aria-selected": String(selected),
      "aria-label": label,
      dataset: { id: String(flag.id), unit: flag.unit, kind: flag.kind },
      onclick: () => this.select(flag.id, { focus: true }),
      onfocus: () => {
        if (this.selected !== flag.id) this.select(flag.id);
      },
    },
      thumb,
      h("div", { class: "flag-body" },
        h("div", { class: "flag-top" },
          h("strong", { class: "flag-venue", text: this.venueName(flag.unit) }),
          h("span", { class: `flag-kind kind-${flag.kind}`, text: kindName(flag.kind) }),
          flag.kind === "silent" ? h("span", { class: "flag-hint muted", text: t("flags.hint.silent") }) : null,
          h("time", { class: "muted", datetime: flag.raised_at, text: clock(flag.raised_at) }),
        ),
        parts.length
          ? h("div", { class: "flag-metrics" },
            parts.map((part) => h("span", { class: "metric", dataset: { metric: part.key } },
              h("span", { class: "metric-label", text: part.label }), " ", h("b", { text: part.value }))))
          : null,
        basisText(flag.basis) ? h("div", { class: "flag-basis", text: basisText(flag.basis) }) : null,
        flag.cleared_at ? h("div", { class: "flag-cleared muted", text: t("flags.cleared", { at: clock(flag.cleared_at) }) }) : null,
        clip,
        actions,
      ),
    );
  }

  enlarge(flag) {
    if (!flag.snapshot) return;
    const img = h("img", { src: evidenceUrl(flag.snapshot), alt: `${this.venueName(flag.unit)} · ${kindName(flag.kind)}` });
    clear(this.dialog,
      h("div", { class: "flag-image-head" },
        h("strong", { text: `${this.venueName(flag.unit)} · ${kindName(flag.kind)} · ${clock(flag.raised_at)}` }),
        h("button", { type: "button", class: "quiet", text: t("help.close"), onclick: () => this.dialog.close() }),
      ),
      img,
      metricParts(flag.metrics).length
        ? h("p", { class: "muted", text: metricParts(flag.metrics).map((p) => `${p.label} ${p.value}`).join(" · ") })
        : null,
    );
    this.dialog.showModal();
  }

  // -- selection and keys -------------------------------------------------------------

  select(id, { focus = false } = {}) {
    this.selected = id;
    for (const li of this.list.querySelectorAll("li.flag-row")) {
      const on = Number(li.dataset.id) === id;
      li.classList.toggle("selected", on);
      li.setAttribute("aria-selected", String(on));
      li.tabIndex = on ? 0 : -1;
    }
    if (focus) this.focusSelected();
  }

  focusSelected() {
    const li = this.selected !== null && this.list.querySelector(`li.flag-row[data-id="${this.selected}"]`);
    if (li) {
      li.focus();
      li.scrollIntoView({ block: "nearest" });
    } else {
      this.root.focus();
    }
  }

  // Focus the panel from anywhere (⇧F): the selected flag, or the newest.
  focus() {
    const rows = this.ordered();
    if (this.selected === null || !this.flags.has(this.selected)) this.selected = rows[0] ? rows[0].id : null;
    this.select(this.selected, { focus: true });
  }

  hasFocus() {
    return this.root.contains(document.activeElement);
  }

  step(delta) {
    const rows = this.ordered();
    if (!rows.length) return;
    const at = rows.findIndex((flag) => flag.id === this.selected);
    const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
    this.select(rows[next].id, { focus: true });
  }

  handleKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const key = event.key;
    if (key === "ArrowDown" || (!event.shiftKey && event.code === `Key${FLAG_KEYS.down}`)) {
      this.step(1);
      return true;
    }
    if (key === "ArrowUp" || (!event.shiftKey && event.code === `Key${FLAG_KEYS.up}`)) {
      this.step(-1);
      return true;
    }
    if (key === "Escape") {
      this.onLeave();
      return true;
    }
    const flag = this.selected !== null ? this.flags.get(this.selected) : null;
    if (key === "Enter" || key === " ") {
      if (flag) this.enlarge(flag);
      return true;
    }
    if (event.shiftKey) return false;
    if (event.code === `Key${FLAG_KEYS.confirm}` || event.code === `Key${FLAG_KEYS.dismiss}`) {
      if (flag && this.canWrite) this.decide(flag.id, event.code === `Key${FLAG_KEYS.confirm}` ? "confirm" : "dismiss");
      // Inside the panel these keys never fall through to the type palette.
      return true;
    }
    return /^Key[A-Z]$/.test(event.code) || /^(Digit|Numpad)[0-9]$/.test(event.code);
  }

  // -- decisions ----------------------------------------------------------------------

  async decide(id, action) {
    const flag = this.flags.get(id);
    if (!flag || !this.canWrite || this.busy.has(id)) return;
    this.busy.add(id);
    this.update();
    const what = `${this.venueName(flag.unit)} · ${kindName(flag.kind)}`;
    try {
      const result = await api("POST", `/api/flags/${id}/${action}`, { body: {} });
      this.decided.add(id);
      this.flags.delete(id);
      const told = action === "dismiss" ? "flags.dismissed" : result?.status === "noted" ? "flags.noted" : "flags.confirmed";
      this.notify(t(told, { what }), action === "confirm" ? "ok" : "info");
    } catch (error) {
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
        // Someone else decided first (or it is gone): it leaves the panel either way.
        this.decided.add(id);
        this.flags.delete(id);
        this.notify(t("flags.already", { what }), "info");
      } else {
        this.notify(t("flags.failed", { what, msg: describeError(error) }), "bad");
      }
    } finally {
      this.busy.delete(id);
      this.update();
    }
  }
}
