// Roll-call mode: one cell per venue for the chosen checkpoint. Arrow keys move, one key marks
// (P/L/A/E or 1–4) and moves on to the next venue; excused asks for a reason. Marks made by other
// consoles arrive as `roll_call.marked` events and redraw the cell in place.

import { t } from "../i18n.js";
import { clear, clock, h } from "./dom.js";

export const STATUSES = [
  { status: "present", key: "P", digit: "1", className: "ok" },
  { status: "late", key: "L", digit: "2", className: "warn" },
  { status: "absent", key: "A", digit: "3", className: "bad" },
  { status: "excused", key: "E", digit: "4", className: "info" },
];
const BY_CODE = new Map();
for (const entry of STATUSES) {
  BY_CODE.set(`Key${entry.key}`, entry);
  BY_CODE.set(`Digit${entry.digit}`, entry);
  BY_CODE.set(`Numpad${entry.digit}`, entry);
}

export class RollCallView {
  constructor({ root, venues, canWrite, mark }) {
    this.root = root;
    this.venues = venues;
    this.canWrite = canWrite;
    this.mark = mark; // async (checkpoint, venue, status) → void (asks the reason itself)
    this.state = null;
    this.checkpoint = "half_day";
    this.active = 0;
    this.cells = [];
  }

  show(state, checkpoint) {
    this.state = state;
    this.checkpoint = checkpoint;
    this.summary = h("div", { class: "rc-summary" });
    this.grid = h("ol", {
      class: "rc-grid",
      "aria-label": t(`mode.${checkpoint}`),
      "aria-keyshortcuts": "ArrowUp ArrowDown ArrowLeft ArrowRight P L A E 1 2 3 4",
    });
    this.cells = this.venues.map((venue, index) => this.cell(venue, index));
    this.grid.append(...this.cells.map((cell) => cell.element));
    const title = h("div", { class: "work-head" },
      h("h2", { text: t(`mode.${checkpoint}`) }),
      this.summary,
    );
    const hint = h("p", { class: "muted hint", text: this.canWrite ? t("rollcall.hint") : t("console.readonly") });
    clear(this.root, title, hint, this.grid);
    this.update();
    this.focusActive();
  }

  cell(venue, index) {
    const element = h("li", {
      class: "rc-cell",
      tabindex: index === this.active ? "0" : "-1",
      dataset: { unit: venue.code, index: String(index) },
      onclick: (event) => {
        this.active = index;
        this.updateTabStops();
        if (!(event.target instanceof HTMLButtonElement)) element.focus();
      },
    });
    const status = h("span", { class: "pill rc-status" });
    const who = h("div", { class: "rc-who muted" });
    const reason = h("div", { class: "rc-reason" });
    const buttons = STATUSES.map((entry) =>
      h("button", {
        type: "button",
        class: `rc-button ${entry.className}`,
        tabindex: "-1",
        "aria-pressed": "false",
        dataset: { status: entry.status },
        disabled: !this.canWrite,
        onclick: () => {
          this.active = index;
          this.updateTabStops();
          this.choose(entry.status);
        },
      }, h("span", { class: "rc-button-label", text: t(`status.${entry.status}`) }), h("kbd", { text: entry.key })),
    );
    element.append(
      h("div", { class: "rc-top" },
        h("span", { class: "venue-number", text: String(venue.number) }),
        h("span", { class: `rc-name${venue.level === "city" ? " city" : ""}`, text: venue.name }),
        status,
      ),
      who,
      reason,
      h("div", { class: "rc-buttons" }, buttons),
    );
    return { element, status, who, reason, buttons, venue };
  }

  update() {
    if (!this.state || !this.grid) return;
    const counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0 };
    for (const cell of this.cells) {
      const known = this.state.mark(this.checkpoint, cell.venue.code);
      const status = known && known.data ? known.data.status : null;
      counts[status || "unmarked"] += 1;
      const entry = STATUSES.find((s) => s.status === status);
      cell.element.dataset.status = status || "unmarked";
      cell.element.classList.toggle("pending", Boolean(known && known.pending));
      cell.element.classList.toggle("failed", Boolean(known && known.error));
      cell.status.className = `pill rc-status ${entry ? entry.className : ""}`;
      cell.status.textContent = t(`status.${status || "unmarked"}`);
      if (known && known.pending) {
        cell.who.textContent = t("rollcall.pending");
      } else if (known && known.error) {
        cell.who.textContent = known.error;
      } else if (known) {
        cell.who.textContent = t("rollcall.by", { who: known.data.marked_by_name || known.data.marked_by || "—", when: clock(known.data.marked_at) });
      } else {
        cell.who.textContent = "";
      }
      cell.reason.textContent = known && known.data && known.data.reason ? known.data.reason : "";
      for (const button of cell.buttons) {
        button.setAttribute("aria-pressed", String(button.dataset.status === status));
      }
      const label = `${cell.venue.number} ${cell.venue.name}: ${cell.status.textContent}`;
      cell.element.setAttribute("aria-label", label);
    }
    clear(
      this.summary,
      h("span", { class: "muted", text: t("rollcall.summary", { total: this.cells.length }) }),
      ...STATUSES.map((s) => h("span", { class: `pill ${s.className}`, text: `${t(`status.${s.status}`)} ${counts[s.status]}` })),
      h("span", { class: "pill", text: `${t("status.unmarked")} ${counts.unmarked}` }),
    );
  }

  updateTabStops() {
    this.cells.forEach((cell, index) => cell.element.setAttribute("tabindex", index === this.active ? "0" : "-1"));
  }

  focusActive() {
    this.updateTabStops();
    const cell = this.cells[this.active];
    if (cell) cell.element.focus({ preventScroll: false });
  }

  columns() {
    if (this.cells.length < 2) return 1;
    const top = this.cells[0].element.offsetTop;
    let count = 0;
    for (const cell of this.cells) {
      if (cell.element.offsetTop !== top) break;
      count += 1;
    }
    return Math.max(1, count);
  }

  move(delta) {
    const next = Math.min(this.cells.length - 1, Math.max(0, this.active + delta));
    this.active = next;
    this.focusActive();
  }

  async choose(status) {
    if (!this.canWrite) return;
    const cell = this.cells[this.active];
    if (!cell) return;
    const index = this.active;
    const done = await this.mark(this.checkpoint, cell.venue, status);
    if (done && this.active === index && index < this.cells.length - 1) this.active = index + 1;
    this.focusActive();
  }

  // Keys for this mode; returns true when the key was ours.
  handleKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const key = event.key;
    if (key === "ArrowRight") this.move(1);
    else if (key === "ArrowLeft") this.move(-1);
    else if (key === "ArrowDown") this.move(this.columns());
    else if (key === "ArrowUp") this.move(-this.columns());
    else if (key === "Home") this.move(-this.cells.length);
    else if (key === "End") this.move(this.cells.length);
    else if (!event.shiftKey && BY_CODE.has(event.code)) this.choose(BY_CODE.get(event.code).status);
    else return false;
    return true;
  }
}
