// The console's DOM helpers: the shared ones, and times shown in Asia/Shanghai whatever the
// browser's zone.

export { clear, formatCents, h, toCents } from "../dom.js";

export function isTextField(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  return !["button", "checkbox", "radio", "submit", "reset", "file"].includes(target.type);
}

export const ZONE = "Asia/Shanghai";
const clockFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: ZONE,
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const dayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});
const minuteFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: ZONE,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export function clock(moment) {
  return clockFormat.format(new Date(moment));
}

export function hourMinute(moment) {
  return minuteFormat.format(new Date(moment));
}

// "2025-03-05" in Asia/Shanghai.
export function shanghaiDay(moment = new Date()) {
  return dayFormat.format(new Date(moment));
}

export function addDays(day, days) {
  const [year, month, date] = day.split("-").map(Number);
  const moment = new Date(Date.UTC(year, month - 1, date + days));
  return moment.toISOString().slice(0, 10);
}

// Asia/Shanghai has kept +08:00 all year since 1991.
export function shanghaiMoment(day, time = "00:00") {
  return `${day}T${time}:00+08:00`;
}

// Now, to the second, as the server stores it: a retry carries exactly the same moment.
export function nowIso() {
  const now = new Date();
  now.setMilliseconds(0);
  return now.toISOString().replace(".000Z", "Z");
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

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
