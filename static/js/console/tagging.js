// Incident mode: pick a venue (its number, or "/" to filter by name or code, or the arrows), then
// press the type's key — the tag is made at once, with the note and snapshot in the composer.
// Type keys sit on two keyboard rows: 会场 (venue.*) on Q W E R T Y U I O, 参会人员 (conduct.*)
// on A S D F G H; a type that an edition adds takes the next free letter.

import { t } from "../i18n.js";
import { clear, formatCents, h } from "./dom.js";
import { imageFromClipboard, toSnapshot } from "./snapshot.js";

const PREFERRED_KEYS = {
  "venue.furniture": "Q",
  "venue.background": "W",
  "venue.lighting": "E",
  "venue.framing": "R",
  "venue.poor_picture": "T",
  "venue.tilted_picture": "Y",
  "venue.interference": "U",
  "venue.picture_moved": "I",
  "venue.picture_lost": "O",
  "conduct.whispering": "A",
  "conduct.sleeping": "S",
  "conduct.smoking": "D",
  "conduct.reading_book": "F",
  "conduct.reading_newspaper": "G",
  "conduct.phone": "H",
};
const SPARE_KEYS = "PJKLZXCVBM".split("");
export const NOTE_KEY = "N";
const GROUPS = ["venue", "conduct"];
const NUMBER_WAIT_MS = 900;

export function assignKeys(types) {
  const taken = new Set();
  const keys = new Map();
  for (const type of types) {
    const preferred = PREFERRED_KEYS[type.code];
    if (preferred && !taken.has(preferred)) {
      keys.set(type.code, preferred);
      taken.add(preferred);
    }
  }
  const spare = SPARE_KEYS.filter((key) => !taken.has(key));
  for (const type of types) if (!keys.has(type.code) && spare.length) keys.set(type.code, spare.shift());
  return keys;
}

export class TaggingView {
  constructor({ root, venues, canWrite, typeName, tag, notify }) {
    this.root = root;
    this.venues = venues;
    this.canWrite = canWrite;
    this.typeName = typeName; // (code) → display name
    this.tag = tag; // ({venue, type, note, snapshot}) → void
    this.notify = notify; // (text, kind) → void
    this.selected = null;
    this.highlight = null;
    this.digits = "";
    this.digitTimer = null;
    this.snapshot = null;
    this.types = [];
    this.keys = new Map();
    this.offline = new Set(); // venue codes whose video source is offline
  }

  show(state, rulebook) {
    this.state = state;
    this.rulebook = rulebook;
    this.types = [];
    this.points = new Map();
    if (rulebook) {
      for (const item of rulebook.items) {
        for (const type of item.types || []) {
          if (GROUPS.includes(type.group)) {
            this.types.push(type);
            this.points.set(type.code, item.points);
          }
        }
      }
    }
    this.keys = assignKeys(this.types);
    this.byKey = new Map([...this.keys].map(([code, key]) => [key, code]));
    this.render();
  }

  render() {
    this.filter = h("input", {
      type: "search",
      class: "venue-filter",
      placeholder: t("tag.filter"),
      "aria-label": t("tag.filter"),
      autocomplete: "off",
      oninput: () => this.applyFilter(),
      onkeydown: (event) => this.filterKey(event),
    });
    this.list = h("ol", { class: "venue-list", "aria-label": t("tag.venue") });
    this.items = new Map();
    for (const venue of this.venues) {
      const count = h("span", { class: "venue-count muted" });
      const item = h("li", {
        class: "venue-item",
        dataset: { unit: venue.code },
        onclick: () => this.select(venue, { focus: true }),
      },
        h("span", { class: "venue-number", text: String(venue.number) }),
        h("span", { class: `venue-name${venue.level === "city" ? " city" : ""}`, text: venue.name }),
        count,
      );
      this.items.set(venue.code, { item, count, venue, signal: null });
      this.list.append(item);
    }
    this.selectedLabel = h("div", { class: "selected-venue", "aria-live": "polite" });
    this.palette = h("div", { class: "palette" });
    this.note = h("input", {
      class: "note",
      maxlength: "2000",
      placeholder: t("tag.note.placeholder"),
      "aria-keyshortcuts": NOTE_KEY,
      autocomplete: "off",
      onkeydown: (event) => {
        if (event.key === "Enter" || event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          this.composer.focus();
        }
      },
    });
    this.fileInput = h("input", {
      type: "file",
      accept: "image/png,image/jpeg",
      class: "visually-hidden",
      id: "snapshot-file",
      onchange: () => {
        const file = this.fileInput.files && this.fileInput.files[0];
        if (file) this.attach(file);
        this.fileInput.value = "";
      },
    });
    this.snapshotBox = h("div", { class: "snapshot" });
    this.total = h("div", { class: "tag-total muted" });
    this.composer = h("div", { class: "composer", tabindex: "-1", "aria-label": t("tag.type") },
      this.selectedLabel,
      this.palette,
      h("div", { class: "extras" },
        h("label", { class: "note-label" }, h("span", { text: t("tag.note") }), this.note),
        h("div", { class: "snapshot-field" },
          h("span", { class: "field-label", text: t("tag.snapshot") }),
          this.snapshotBox,
          this.fileInput,
        ),
      ),
      this.total,
    );
    const venues = h("div", { class: "venues" },
      h("h2", { text: t("tag.venue") }),
      this.filter,
      this.list,
    );
    clear(this.root, h("div", { class: "tagging" }, venues, this.composer));
    this.renderPalette();
    this.renderSnapshot();
    this.renderSelected();
    this.renderSignals();
    this.update();
    this.composer.focus();
  }

  // A source that is offline is shown, never suggested as a deduction.
  setOffline(codes) {
    this.offline = new Set(codes);
    this.renderSignals();
  }

  renderSignals() {
    if (!this.items) return;
    for (const entry of this.items.values()) {
      const off = this.offline.has(entry.venue.code);
      if (off && !entry.signal) {
        entry.signal = h("span", { class: "signal-badge", title: t("flags.offline_title"), text: t("flags.offline") });
        entry.count.before(entry.signal);
      } else if (!off && entry.signal) {
        entry.signal.remove();
        entry.signal = null;
      }
      entry.item.classList.toggle("source-offline", off);
    }
  }

  renderPalette() {
    if (!this.canWrite) {
      clear(this.palette, h("p", { class: "muted", text: t("console.readonly") }));
      return;
    }
    if (!this.types.length) {
      clear(this.palette, h("p", { class: "error", text: t("tag.no_rulebook") }));
      return;
    }
    const groups = GROUPS.map((group) => {
      const types = this.types.filter((type) => type.group === group);
      if (!types.length) return null;
      const points = this.points.get(types[0].code);
      return h("section", { class: `palette-group ${group}` },
        h("h3", {}, h("span", { text: t(`tag.group.${group}`) }), h("span", { class: "muted", text: ` −${points}` })),
        h("div", { class: "type-grid" },
          types.map((type) =>
            h("button", {
              type: "button",
              class: "type-button",
              dataset: { type: type.code },
              "aria-keyshortcuts": this.keys.get(type.code),
              onclick: () => this.commit(type.code),
            },
              h("kbd", { text: this.keys.get(type.code) }),
              h("span", { class: "type-name", text: this.typeName(type.code) }),
            ),
          ),
        ),
      );
    });
    clear(this.palette, groups);
  }

  renderSelected() {
    const venue = this.selected;
    this.composer.classList.toggle("armed", Boolean(venue));
    if (!venue) {
      clear(this.selectedLabel, h("span", { class: "muted", text: this.digits ? `${t("tag.number", { n: this.digits })}…` : t("tag.pick_venue") }));
    } else {
      clear(this.selectedLabel,
        h("span", { class: "venue-number big", text: String(venue.number) }),
        h("strong", { class: "selected-name", text: venue.name }),
        h("span", { class: "muted", text: venue.code }),
        this.digits ? h("span", { class: "digits", text: `${this.digits}…` }) : null,
      );
    }
    for (const { item, venue: v } of this.items.values()) {
      item.classList.toggle("selected", venue !== null && v.code === venue.code);
      item.setAttribute("aria-selected", String(venue !== null && v.code === venue.code));
    }
  }

  renderSnapshot() {
    if (this.snapshot) {
      clear(this.snapshotBox,
        h("img", { src: this.snapshot.dataUrl, alt: t("tag.snapshot"), class: "thumb" }),
        h("button", { type: "button", class: "quiet", text: t("tag.snapshot.remove"), onclick: () => this.setSnapshot(null) }),
      );
    } else {
      clear(this.snapshotBox,
        h("span", { class: "muted", text: t("tag.snapshot.hint") }),
        " ",
        h("label", { class: "linkish", for: "snapshot-file", text: t("tag.snapshot.pick") }),
      );
    }
  }

  update() {
    if (!this.state || !this.items) return;
    const { byUnit, count, cents } = this.state.tallies();
    for (const { count: element, venue } of this.items.values()) {
      const tally = byUnit.get(venue.code);
      element.textContent = tally ? t("tag.count", { n: tally.count, points: formatCents(tally.cents) }) : "";
    }
    this.total.textContent = t("tag.total", { n: count, points: formatCents(cents) });
  }

  // -- venue choice -------------------------------------------------------------------

  select(venue, { focus = false } = {}) {
    this.selected = venue;
    this.renderSelected();
    const entry = venue && this.items.get(venue.code);
    if (entry) entry.item.scrollIntoView({ block: "nearest" });
    if (focus) this.composer.focus();
  }

  visibleVenues() {
    return this.venues.filter((venue) => !this.items.get(venue.code).item.hidden);
  }

  applyFilter() {
    const text = this.filter.value.trim().toLowerCase();
    for (const { item, venue } of this.items.values()) {
      item.hidden = Boolean(text) && !(
        venue.name.toLowerCase().includes(text) || venue.code.startsWith(text) || String(venue.number) === text
      );
    }
    const first = this.visibleVenues()[0] || null;
    this.setHighlight(first);
  }

  setHighlight(venue) {
    this.highlight = venue;
    for (const { item, venue: v } of this.items.values()) {
      item.classList.toggle("highlight", venue !== null && v.code === venue.code);
    }
  }

  filterKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const visible = this.visibleVenues();
      if (!visible.length) return;
      const at = visible.findIndex((v) => this.highlight && v.code === this.highlight.code);
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.setHighlight(visible[Math.min(visible.length - 1, Math.max(0, at + step))]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (event.isComposing) return;
      const venue = this.highlight || this.visibleVenues()[0];
      if (venue) this.leaveFilter(venue);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.leaveFilter(null);
    }
  }

  leaveFilter(venue) {
    this.filter.value = "";
    this.applyFilter();
    this.setHighlight(null);
    if (venue) this.select(venue);
    this.composer.focus();
  }

  typeDigit(digit) {
    clearTimeout(this.digitTimer);
    let buffer = this.digits + digit;
    let matches = this.venues.filter((v) => String(v.number).startsWith(buffer));
    if (!matches.length) {
      buffer = digit;
      matches = this.venues.filter((v) => String(v.number).startsWith(buffer));
    }
    if (!matches.length) {
      this.digits = "";
      this.renderSelected();
      return;
    }
    const exact = this.venues.find((v) => String(v.number) === buffer) || null;
    if (exact) this.select(exact);
    if (matches.length === 1 && exact) {
      this.digits = "";
    } else {
      // "1" may be venue 1 or the start of 12: wait a moment for a second digit.
      this.digits = buffer;
      this.digitTimer = setTimeout(() => {
        this.digits = "";
        this.renderSelected();
      }, NUMBER_WAIT_MS);
    }
    this.renderSelected();
  }

  step(delta) {
    const at = this.selected ? this.venues.findIndex((v) => v.code === this.selected.code) : -1;
    const next = at < 0 ? (delta > 0 ? 0 : this.venues.length - 1) : at + delta;
    this.select(this.venues[Math.min(this.venues.length - 1, Math.max(0, next))] || null);
  }

  clearAll() {
    clearTimeout(this.digitTimer);
    this.digits = "";
    this.selected = null;
    this.note.value = "";
    this.setSnapshot(null);
    this.renderSelected();
  }

  // -- the tag ------------------------------------------------------------------------

  commit(typeCode) {
    if (!this.canWrite) return;
    if (!this.selected) {
      this.notify(t("tag.pick_venue"), "warn");
      this.selectedLabel.classList.remove("shake");
      void this.selectedLabel.offsetWidth;
      this.selectedLabel.classList.add("shake");
      return;
    }
    clearTimeout(this.digitTimer);
    this.digits = "";
    const note = this.note.value.trim();
    this.tag({ venue: this.selected, type: typeCode, points: this.points.get(typeCode), note: note || null, snapshot: this.snapshot });
    this.note.value = "";
    this.setSnapshot(null);
    this.renderSelected();
    this.composer.focus();
  }

  setSnapshot(snapshot) {
    this.snapshot = snapshot;
    this.renderSnapshot();
  }

  async attach(file) {
    try {
      this.setSnapshot(await toSnapshot(file));
    } catch {
      this.notify(t("tag.snapshot.bad"), "bad");
    }
  }

  onPaste(event) {
    if (!this.canWrite) return false;
    const file = imageFromClipboard(event);
    if (!file) return false;
    event.preventDefault();
    this.attach(file);
    return true;
  }

  handleKey(event, typing) {
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return false;
    const key = event.key;
    if (key === "/") {
      this.filter.focus();
      return true;
    }
    if (key === "ArrowDown" || key === "ArrowUp") {
      this.step(key === "ArrowDown" ? 1 : -1);
      return true;
    }
    if (key === "Escape") {
      this.clearAll();
      return true;
    }
    if (event.shiftKey) return false;
    const digit = /^(Digit|Numpad)([0-9])$/.exec(event.code);
    if (digit) {
      this.typeDigit(digit[2]);
      return true;
    }
    const letter = /^Key([A-Z])$/.exec(event.code);
    if (!letter) return false;
    if (letter[1] === NOTE_KEY) {
      this.note.focus();
      return true;
    }
    const code = this.byKey.get(letter[1]);
    if (!code) return false;
    this.commit(code);
    return true;
  }
}
