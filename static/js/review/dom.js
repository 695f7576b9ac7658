// The review pages' DOM helpers: the shared ones, and times shown in Asia/Shanghai whatever
// the browser's zone.

export { clear, formatCents, h, toCents } from "../dom.js";

const ZONE = "Asia/Shanghai";
const minuteFormat = new Intl.DateTimeFormat("sv-SE", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const secondFormat = new Intl.DateTimeFormat("sv-SE", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

// "2019-03-05 09:40" in Asia/Shanghai.
export function shanghaiMinute(moment) {
  return moment ? minuteFormat.format(new Date(moment)) : "";
}

// "2019-03-05T09:40:00", the value of a datetime-local input, in Asia/Shanghai.
export function shanghaiLocalInput(moment) {
  return secondFormat.format(new Date(moment)).replace(" ", "T");
}

// A datetime-local or date value read as Asia/Shanghai (+08:00 all year since 1991).
export function shanghaiIso(localValue) {
  const value = localValue.length === 10 ? `${localValue}T00:00:00` : localValue;
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

export function nextDay(day) {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

export function byCode(list) {
  return new Map(list.map((entry) => [entry.code, entry]));
}
