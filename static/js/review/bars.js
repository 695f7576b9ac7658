// One item's deduction against its cap, drawn as a bar: the raw deduction fills the bar, a line
// marks the cap, and what lies beyond the cap (not counted) is hatched in red. A cap binds
// when the raw deduction is above it.

import { t } from "../i18n.js";
import { formatCents, h, toCents } from "./dom.js";
import { itemName } from "./messages.js";
import { state } from "./state.js";

export function binds(item) {
  return toCents(item.raw) > toCents(item.cap);
}

export function itemBar(item, { large = false } = {}) {
  const raw = toCents(item.raw);
  const cap = toCents(item.cap);
  // Beyond twice the cap the bar stops growing: the cap line stays at mid-bar at least, and the
  // figures beside the bar tell how far over it is.
  const scale = Math.max(Math.min(raw, cap * 2), cap, 1);
  const counted = Math.min(raw, cap);
  const binding = raw > cap;
  const bar = h("span", {
    class: `cap-bar${binding ? " binding" : ""}${raw === 0 ? " zero" : ""}${large ? " large" : ""}`,
    role: "img",
    "aria-label": t("bar.label", {
      item: itemName(state.rulebook, item.code),
      raw: item.raw,
      capped: item.capped,
      cap: item.cap,
      n: item.occurrences,
    }),
  });
  const fill = h("span", { class: "fill" });
  fill.style.width = `${(counted / scale) * 100}%`;
  bar.append(fill);
  if (binding) {
    const over = h("span", { class: "over" });
    over.style.left = `${(cap / scale) * 100}%`;
    over.style.width = `${(Math.min(raw - cap, scale - cap) / scale) * 100}%`;
    if (raw > scale) over.classList.add("clipped");
    bar.append(over);
  }
  const mark = h("span", { class: "cap-mark" });
  mark.style.left = `${(cap / scale) * 100}%`;
  bar.append(mark);
  return bar;
}

// A table cell: the bar, "counted / cap", and the raw figure where the cap binds.
export function itemCell(item) {
  const binding = binds(item);
  const figures = h(
    "span",
    { class: "cell-figures" },
    h("strong", { text: item.capped }),
    h("span", { class: "muted", text: ` / ${item.cap}` }),
  );
  const cell = h(
    "td",
    {
      class: `item-cell${binding ? " binding" : ""}${toCents(item.raw) === 0 ? " zero" : ""}`,
      title: t("bar.label", {
        item: itemName(state.rulebook, item.code),
        raw: item.raw,
        capped: item.capped,
        cap: item.cap,
        n: item.occurrences,
      }),
    },
    itemBar(item),
    figures,
  );
  if (binding) {
    const over = formatCents(toCents(item.raw) - toCents(item.cap));
    cell.append(h("span", { class: "over-note", text: t("bar.over", { over }) }));
  }
  return cell;
}
