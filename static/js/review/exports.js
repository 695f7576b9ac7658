// The export links of the review bar: the annual table (XLSX, PDF) of the year and moment shown,
// and the incident CSV of what the incident list shows — its filters, at the moment shown.

import { state } from "./state.js";

const $ = (id) => document.getElementById(id);

function yearAndMoment() {
  const params = new URLSearchParams({ year: String(state.year) });
  if (state.asOf) params.set("as_of", state.asOf);
  return params;
}

// The incident list's current query (incidents.js keeps it on its form), paging left out.
function listFilters() {
  const form = $("incident-filters");
  if (!form || !form.isConnected || form.closest("[hidden]") || !form.dataset.query) return null;
  const params = new URLSearchParams(form.dataset.query);
  params.delete("limit");
  params.delete("offset");
  return params;
}

export function csvHref() {
  const params = listFilters() ?? new URLSearchParams({ year: String(state.year) });
  if (state.asOf) params.set("as_of", state.asOf);
  return `/api/exports/incidents.csv?${params}`;
}

export function updateExportLinks() {
  const year = String(state.year);
  const pdf = $("export-pdf");
  if (pdf) {
    pdf.href = `/api/exports/annual.pdf?${yearAndMoment()}`;
    pdf.setAttribute("download", `vcwatch-${year}-annual.pdf`);
  }
  $("export-csv").href = csvHref();
}

// The CSV link is brought up to date as it is followed: the filters change without a redraw.
export function bindExportLinks() {
  $("export-csv").addEventListener("click", (event) => {
    event.currentTarget.href = csvHref();
  });
}
