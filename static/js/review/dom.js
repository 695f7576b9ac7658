// The review pages' helpers: the shared DOM and date/time ones, and a few of their own.

export { clear, formatCents, h, toCents } from "../dom.js";

export { nextDay, shanghaiIso, shanghaiLocalInput, shanghaiMinute } from "../datetime.js";

export function byCode(list) {
  return new Map(list.map((entry) => [entry.code, entry]));
}
