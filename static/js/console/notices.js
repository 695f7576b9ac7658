// Short messages at the bottom of the screen; the one after a tag carries the undo countdown.

import { h } from "./dom.js";

export class Notices {
  constructor(region) {
    this.region = region;
  }

  // A toast with a `slot` replaces the previous one of that slot (one undo countdown at a time).
  show(text, { kind = "info", duration = 3500, countdown = false, slot = null } = {}) {
    if (slot) for (const old of this.region.querySelectorAll(`[data-slot="${slot}"]`)) old.remove();
    const toast = h("div", { class: `toast ${kind}`, role: kind === "bad" ? "alert" : "status", dataset: slot ? { slot } : {} }, h("span", { text }));
    if (countdown) {
      const bar = h("span", { class: "countdown" });
      bar.style.animationDuration = `${duration}ms`;
      toast.append(bar);
    }
    this.region.append(toast);
    while (this.region.children.length > 4) this.region.firstElementChild.remove();
    setTimeout(() => toast.remove(), duration);
    return toast;
  }
}
