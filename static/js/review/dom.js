// DOM without innerHTML: every text goes in as a text node. Points are handled as integer
// hundredths; times are shown in Asia/Shanghai, whatever the browser's zone.

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function toCents(points) {
  const [whole, fraction = "0"] = String(points).split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

export function formatCents(cents) {
  const sign = cents < 0 ? "-" : "";
  const value = Math.abs(cents);
  return `${sign}${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")}`;
}

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
