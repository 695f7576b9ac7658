// The console's helpers: the shared DOM and date/time ones, and a few of its own.

export { clear, formatCents, h, toCents } from "../dom.js";

export function isTextField(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  return !["button", "checkbox", "radio", "submit", "reset", "file"].includes(target.type);
}

export {
  addDays,
  clock,
  hourMinute,
  nowIso,
  shanghaiDay,
  shanghaiMoment,
  ZONE,
} from "../datetime.js";

export { newKey } from "../keys.js";

const SVG = "http://www.w3.org/2000/svg";

export function cameraIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  const body = document.createElementNS(SVG, "path");
  body.setAttribute("d", "M4 7h3l2-2.5h6L17 7h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z");
  const lens = document.createElementNS(SVG, "circle");
  lens.setAttribute("cx", "12");
  lens.setAttribute("cy", "12.5");
  lens.setAttribute("r", "3.6");
  for (const shape of [body, lens]) {
    shape.setAttribute("fill", "none");
    shape.setAttribute("stroke", "currentColor");
    shape.setAttribute("stroke-width", "1.8");
  }
  svg.append(body, lens);
  return svg;
}
