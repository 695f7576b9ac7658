// What the dashboard knows: the account, the year and moment asked for, and the answers.

export const state = {
  account: null,
  periods: [],
  year: null,
  asOf: null, // null: the server's default (now, or the year's end once it is over)
  rulebook: null,
  standings: null,
  queue: null,
  units: new Map(), // code → { code, name, level, parent, score }
  meetings: new Map(), // key → meeting, of the year shown
  meetingsYear: null,
  expanded: new Set(), // cities whose counties are shown
};

export const canRule = () => ["admin", "reviewer"].includes(state.account?.role);
export const canExport = () => ["admin", "reviewer"].includes(state.account?.role);
export const canObject = () => state.account?.role === "county_it";
export const isCountyAccount = () => state.account?.role === "county_it";

// Every city and county of the standings, by code; a county's `score` is its own view.
export function indexUnits(standings) {
  const units = new Map();
  for (const city of standings.cities) {
    units.set(city.code, { code: city.code, name: city.name, level: "city", parent: null, score: city });
    for (const county of city.counties) {
      units.set(county.code, {
        code: county.code,
        name: county.name,
        level: "county",
        parent: city.code,
        score: county,
      });
    }
  }
  state.units = units;
}

export function unitName(code) {
  return state.units.get(code)?.name ?? code;
}

// Something changed on the server (an objection was ruled on or filed): views reload.
export function announceChange(detail) {
  document.dispatchEvent(new CustomEvent("review:changed", { detail }));
}
