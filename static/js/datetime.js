// Dates and times on every page: shown and entered in Asia/Shanghai (the assessment's zone,
// +08:00 all year since 1991) whatever the browser's zone.

export const ZONE = "Asia/Shanghai";
export const OFFSET = "+08:00";

const parts = (options) => new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, hourCycle: "h23", ...options });
const secondFormat = parts({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
const minuteFormat = parts({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
const dayFormat = parts({ year: "numeric", month: "2-digit", day: "2-digit" });
const clockFormat = parts({ hour: "2-digit", minute: "2-digit", second: "2-digit" });
const hourMinuteFormat = parts({ hour: "2-digit", minute: "2-digit" });
const yearFormat = parts({ year: "numeric" });

// "09:40:05"
export function clock(moment) {
  return clockFormat.format(new Date(moment));
}

// "09:40"
export function hourMinute(moment) {
  return hourMinuteFormat.format(new Date(moment));
}

// "2019-03-05 09:40"; "" for no moment.
export function shanghaiMinute(moment) {
  return moment ? minuteFormat.format(new Date(moment)) : "";
}

// "2019-03-05"
export function shanghaiDay(moment = new Date()) {
  return dayFormat.format(new Date(moment));
}

export function shanghaiYear(moment = new Date()) {
  return Number(yearFormat.format(new Date(moment)));
}

// "2019-03-05T09:40:00", the value of a datetime-local input.
export function shanghaiLocalInput(moment) {
  return secondFormat.format(new Date(moment)).replace(" ", "T");
}

// A date ("2019-03-05"), datetime-local ("2019-03-05T09:40[:00]") value read as Asia/Shanghai.
export function shanghaiIso(localValue) {
  const value = localValue.length === 10 ? `${localValue}T00:00:00` : localValue;
  return `${value.length === 16 ? `${value}:00` : value}${OFFSET}`;
}

export function shanghaiMoment(day, time = "00:00") {
  return `${day}T${time}:00${OFFSET}`;
}

export function addDays(day, days) {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

export function nextDay(day) {
  return addDays(day, 1);
}

// Now, to the second, as the server stores it: a retry carries exactly the same moment.
export function nowIso() {
  const now = new Date();
  now.setMilliseconds(0);
  return now.toISOString().replace(".000Z", "Z");
}
