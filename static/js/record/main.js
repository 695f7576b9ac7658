// Record any item of the year's edition (items 1–7: meeting types by controllers, installation
// and criticism findings by reviewers and admins), void a record, and correct or cancel meetings.
import { api, ApiError, describeError } from "../api.js";
import { shanghaiIso, shanghaiLocalInput, shanghaiMinute, shanghaiYear } from "../datetime.js";
import { clear, h } from "../dom.js";
import { errorText, t } from "../i18n.js";
import { newKey } from "../keys.js";
import { incidentTitle, personName, typeName } from "../names.js";
import { startPage } from "../shell.js";

const MESSAGES = {
  "record.title": ["记录与会议", "Records and meetings"],
  "record.year": ["考核年度", "Assessment year"],
  "record.form.title": ["记录扣分事项", "Record an item"],
  "record.scope.controller": [
    "会议主控可记录会前点名和会场秩序类事项；安装调测配合和省领导点名批评由政府办审核或管理员记录。",
    "Controllers record roll-call and venue-order items; installation and criticism findings are recorded by reviewers and administrators.",
  ],
  "record.scope.all": ["可记录本年度考核细则中的任一事项。", "Any item of the year's rulebook can be recorded."],
  "record.meeting": ["会议（可选）", "Meeting (optional)"],
  "record.meeting.none": ["— 不关联会议 —", "— no meeting —"],
  "record.unit.choose": ["— 请选择单位 —", "— choose a unit —"],
  "record.type.choose": ["— 请选择类型 —", "— choose a type —"],
  "record.note.hint": ["可选：说明发现的情况", "optional: what was found"],
  "record.submit": ["记录", "Record"],
  "record.keys": ["Ctrl+Enter 提交", "Ctrl+Enter submits"],
  "record.saving": ["正在保存…", "Saving…"],
  "record.done": ["已记录：{what}", "Recorded: {what}"],
  "record.need.unit": ["请选择单位。", "Choose a unit."],
  "record.need.type": ["请选择类型。", "Choose a type."],
  "record.need.at": ["请填写时间。", "Enter the time."],
  "record.need.meeting": ["会前点名需要选择会议和点名时点。", "A roll call needs its meeting and checkpoint."],
  "record.need.year": ["时间须在 {year} 年内。", "The time must lie in {year}."],
  "record.recent": ["本年度最近记录", "Latest records of the year"],
  "record.recent.empty": ["本年度还没有记录。", "Nothing recorded this year yet."],
  "record.void": ["作废", "Void"],
  "record.void.title": ["作废该记录", "Void this record"],
  "record.voided": ["已作废：{reason}（{who}）", "Voided: {reason} ({who})"],
  "record.void.done": ["已作废：{what}", "Voided: {what}"],
  "record.meetings": ["本年度会议", "Meetings of the year"],
  "record.meetings.empty": ["本年度没有会议。", "No meetings this year."],
  "record.actions": ["操作", "Actions"],
  "record.meeting.edit": ["修改会议", "Edit meeting"],
  "record.meeting.cancel": ["取消会议", "Cancel meeting"],
  "record.meeting.cancel.note": [
    "取消后，该会议的会前点名扣分将作废（注明会议取消），会议不再出现在主控台。",
    "Cancelling voids the meeting's roll-call deductions (citing the cancellation) and removes it from the console.",
  ],
  "record.meeting.cancelled": ["已取消：{reason}（{who}）", "Cancelled: {reason} ({who})"],
  "record.meeting.updated": ["已修改会议：{title}", "Meeting updated: {title}"],
  "record.meeting.cancel.done": ["已取消会议：{title}", "Meeting cancelled: {title}"],
  "record.readonly": ["只读：本账号不能修改会议。", "Read only: this account cannot change meetings."],
  "record.noPeriod": ["尚未设置任何考核年度，请管理员先设置。", "No assessment year is set up yet: an administrator sets one up first."],
  "record.confirm": ["确定", "OK"],
  "record.cancel": ["取消", "Cancel"],
  "record.save": ["保存", "Save"],
};

// Types seen at a meeting; a controller records only these (the server refuses the others).
const MEETING_GROUPS = new Set(["roll_call", "venue", "conduct"]);
const SOURCES = ["online_monitoring", "onsite_inspection", "self_report"];
const CHECKPOINTS = ["half_day", "two_hours"];
const MEETING_EDITORS = new Set(["admin", "controller"]);

const state = { role: null, year: null, rulebook: null, units: [], meetings: [], key: newKey(), sourceTouched: false };
const $ = (id) => document.getElementById(id);

function say(text) {
  $("status").textContent = text;
}

function types() {
  const all = [];
  for (const item of state.rulebook?.items || []) {
    for (const type of item.types || []) all.push({ ...type, item });
  }
  return state.role === "controller" ? all.filter((type) => MEETING_GROUPS.has(type.group)) : all;
}

function typeOf(code) {
  return types().find((type) => type.code === code) || null;
}

function fillForm() {
  const form = $("record-form");
  const unitSelect = form.elements.namedItem("unit");
  const cities = state.units.filter((unit) => unit.level === "city");
  clear(
    unitSelect,
    h("option", { value: "" }, t("record.unit.choose")),
    cities.map((city) =>
      h(
        "optgroup",
        { label: city.name },
        h("option", { value: city.code }, city.name),
        state.units.filter((unit) => unit.parent === city.code).map((unit) => h("option", { value: unit.code }, unit.name)),
      ),
    ),
  );
  const typeSelect = form.elements.namedItem("type");
  const groups = new Map();
  for (const type of types()) {
    if (!groups.has(type.item.code)) groups.set(type.item.code, { item: type.item, types: [] });
    groups.get(type.item.code).types.push(type);
  }
  clear(
    typeSelect,
    h("option", { value: "" }, t("record.type.choose")),
    [...groups.values()].map(({ item, types: list }) =>
      h(
        "optgroup",
        { label: `${t(`item.${item.code}`)} · ${item.points}` },
        list.map((type) => h("option", { value: type.code }, typeName(type.code, type.name))),
      ),
    ),
  );
  clear(
    form.elements.namedItem("source"),
    SOURCES.map((code) => h("option", { value: code }, t(`source.${code}`))),
  );
  clear(
    form.elements.namedItem("checkpoint"),
    CHECKPOINTS.map((code) => h("option", { value: code }, t(`checkpoint.${code}`))),
  );
  fillMeetingChoice();
  const at = form.elements.namedItem("at");
  at.min = `${state.year}-01-01T00:00`;
  at.max = `${state.year}-12-31T23:59`;
  if (!at.value || !at.value.startsWith(String(state.year))) {
    at.value = state.year === shanghaiYear() ? shanghaiLocalInput(new Date()).slice(0, 16) : `${state.year}-06-30T09:00`;
  }
  $("record-scope").textContent = t(state.role === "controller" ? "record.scope.controller" : "record.scope.all");
  onTypeChange();
}

function fillMeetingChoice() {
  const select = $("record-form").elements.namedItem("meeting");
  const chosen = select.value;
  clear(
    select,
    h("option", { value: "" }, t("record.meeting.none")),
    state.meetings
      .filter((meeting) => !meeting.cancelled)
      .map((meeting) => h("option", { value: meeting.key }, `${meeting.title} · ${shanghaiMinute(meeting.starts_at)}`)),
  );
  select.value = chosen;
}

function onTypeChange() {
  const form = $("record-form");
  const type = typeOf(form.elements.namedItem("type").value);
  $("checkpoint-field").hidden = !(type && type.group === "roll_call");
  if (!state.sourceTouched) {
    const onsite = type && !MEETING_GROUPS.has(type.group);
    form.elements.namedItem("source").value = onsite ? "onsite_inspection" : "online_monitoring";
  }
}

function readForm() {
  const form = $("record-form");
  const value = (name) => form.elements.namedItem(name).value.trim();
  const type = typeOf(value("type"));
  if (!value("unit")) return { problem: t("record.need.unit"), field: "unit" };
  if (!type) return { problem: t("record.need.type"), field: "type" };
  if (!value("at")) return { problem: t("record.need.at"), field: "at" };
  if (!value("at").startsWith(String(state.year))) return { problem: t("record.need.year", { year: state.year }), field: "at" };
  const rollCall = type.group === "roll_call";
  if (rollCall && !value("meeting")) return { problem: t("record.need.meeting"), field: "meeting" };
  const body = { unit: value("unit"), type: type.code, at: shanghaiIso(value("at")), source: value("source") };
  if (value("meeting")) body.meeting = value("meeting");
  if (rollCall) body.checkpoint = value("checkpoint");
  if (value("note")) body.note = value("note");
  return { body };
}

async function submit(event) {
  event.preventDefault();
  const form = $("record-form");
  const error = $("record-error");
  error.textContent = "";
  const { body, problem, field } = readForm();
  if (problem) {
    error.textContent = problem;
    form.elements.namedItem(field).focus();
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  say(t("record.saving"));
  try {
    const file = form.elements.namedItem("evidence").files[0];
    if (file) body.evidence = (await api("POST", "/api/evidence", { body: file })).evidence;
    const incident = await api("POST", "/api/incidents", { body, headers: { "Idempotency-Key": state.key } });
    state.key = newKey();
    say(t("record.done", { what: incidentTitle(incident) }));
    for (const name of ["type", "note", "evidence"]) form.elements.namedItem(name).value = "";
    state.sourceTouched = false;
    onTypeChange();
    await loadRecent();
    form.elements.namedItem("unit").focus();
  } catch (failure) {
    // A key already used for other content: the next try is a new record with a new key.
    if (failure instanceof ApiError && failure.code === "incident.key_reused") state.key = newKey();
    say("");
    error.textContent = describeError(failure);
  } finally {
    button.disabled = false;
  }
}

async function loadRecent() {
  const list = $("recent");
  try {
    const page = await api("GET", `/api/incidents?year=${state.year}&limit=15`);
    if (!page.items.length) {
      clear(list, h("li", { class: "muted" }, t("record.recent.empty")));
      return;
    }
    clear(list, page.items.map(recentLine));
  } catch (failure) {
    clear(list, h("li", { class: "error", role: "alert" }, describeError(failure)));
  }
}

function recentLine(incident) {
  const what = incidentTitle(incident);
  const line = h(
    "li",
    {},
    h("span", { class: `what${incident.voided ? " voided" : ""}` }, what),
    h("span", { class: "pill" }, t(`source.${incident.source}`)),
  );
  if (incident.voided) {
    line.append(
      h(
        "span",
        { class: "muted" },
        t("record.voided", { reason: incident.voided.reason, who: personName(incident.voided.by, incident.voided.by_name) }),
      ),
    );
  } else {
    line.append(
      h(
        "button",
        {
          type: "button",
          "aria-label": `${t("record.void.title")}：${what}`,
          onclick: () =>
            askReason(t("record.void.title"), what, async (reason) => {
              await api("POST", `/api/incidents/${encodeURIComponent(incident.key)}/void`, { body: { reason } });
              say(t("record.void.done", { what }));
              await loadRecent();
            }),
        },
        t("record.void"),
      ),
    );
  }
  return line;
}

async function loadMeetings() {
  const from = encodeURIComponent(`${state.year}-01-01T00:00:00+08:00`);
  const to = encodeURIComponent(`${state.year + 1}-01-01T00:00:00+08:00`);
  const page = await api("GET", `/api/meetings?from=${from}&to=${to}&cancelled=true&limit=500`);
  state.meetings = page.items;
  fillMeetingChoice();
  const editor = MEETING_EDITORS.has(state.role);
  $("meeting-actions-head").hidden = !editor;
  const body = $("meetings");
  if (!state.meetings.length) {
    clear(body, h("tr", {}, h("td", { colspan: 4, class: "muted" }, t("record.meetings.empty"))));
    return;
  }
  clear(
    body,
    state.meetings.map((meeting) => {
      const stateText = meeting.cancelled
        ? t("record.meeting.cancelled", {
            reason: meeting.cancelled.reason,
            who: personName(meeting.cancelled.by, meeting.cancelled.by_name),
          })
        : t("meeting.state.scheduled");
      const row = h(
        "tr",
        {},
        h("td", { class: meeting.cancelled ? "voided" : "" }, meeting.title),
        h("td", {}, shanghaiMinute(meeting.starts_at)),
        h("td", {}, stateText),
      );
      if (editor) {
        row.append(
          h(
            "td",
            {},
            meeting.cancelled
              ? ""
              : [
                  h("button", { type: "button", onclick: () => editMeeting(meeting) }, t("record.meeting.edit")),
                  " ",
                  h(
                    "button",
                    {
                      type: "button",
                      onclick: () =>
                        askReason(
                          t("record.meeting.cancel"),
                          `${meeting.title} · ${shanghaiMinute(meeting.starts_at)} — ${t("record.meeting.cancel.note")}`,
                          async (reason) => {
                            await api("POST", `/api/meetings/${encodeURIComponent(meeting.key)}/cancel`, { body: { reason } });
                            say(t("record.meeting.cancel.done", { title: meeting.title }));
                            await Promise.all([loadMeetings(), loadRecent()]);
                          },
                        ),
                    },
                    t("record.meeting.cancel"),
                  ),
                ],
          ),
        );
      }
      return row;
    }),
  );
}

function askReason(title, subject, action) {
  const dialog = $("reason-dialog");
  const form = $("reason-form");
  $("reason-title").textContent = title;
  $("reason-subject").textContent = subject;
  $("reason-error").textContent = "";
  form.reset();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const reason = form.elements.namedItem("reason").value.trim();
    if (!reason) {
      $("reason-error").textContent = errorText([{ loc: ["reason"], code: "invalid.missing" }], 422);
      return;
    }
    try {
      await action(reason);
      dialog.close();
    } catch (failure) {
      $("reason-error").textContent = describeError(failure);
    }
  };
  dialog.showModal();
  form.elements.namedItem("reason").focus();
}

function editMeeting(meeting) {
  const dialog = $("edit-dialog");
  const form = $("edit-form");
  form.elements.namedItem("title").value = meeting.title;
  form.elements.namedItem("starts_at").value = shanghaiLocalInput(meeting.starts_at).slice(0, 16);
  $("edit-error").textContent = "";
  form.onsubmit = async (event) => {
    event.preventDefault();
    const title = form.elements.namedItem("title").value.trim();
    const startsAt = form.elements.namedItem("starts_at").value;
    if (!title || !startsAt) {
      $("edit-error").textContent = errorText([{ loc: [title ? "starts_at" : "title"], code: "invalid.missing" }], 422);
      return;
    }
    try {
      const saved = await api("PATCH", `/api/meetings/${encodeURIComponent(meeting.key)}`, {
        body: { title, starts_at: shanghaiIso(startsAt) },
      });
      dialog.close();
      say(t("record.meeting.updated", { title: saved.title }));
      await Promise.all([loadMeetings(), loadRecent()]);
    } catch (failure) {
      $("edit-error").textContent = describeError(failure);
    }
  };
  dialog.showModal();
  form.elements.namedItem("title").focus();
}

async function chooseYear(year) {
  state.year = year;
  state.rulebook = await api("GET", `/api/periods/${year}/rulebook`);
  await loadMeetings();
  fillForm();
  await loadRecent();
}

async function main() {
  const session = await startPage(MESSAGES);
  state.role = session.account.role;
  for (const id of ["reason-cancel", "edit-cancel"]) {
    $(id).addEventListener("click", (event) => event.target.closest("dialog").close());
  }
  try {
    const [periods, units] = await Promise.all([api("GET", "/api/periods"), api("GET", "/api/units")]);
    state.units = units;
    const years = periods.map((period) => period.year).sort((a, b) => b - a);
    if (!years.length) {
      say(t("record.noPeriod"));
      $("record-form").querySelector("fieldset, button[type=submit]").disabled = true;
      return;
    }
    clear($("year"), years.map((year) => h("option", { value: year }, String(year))));
    const now = shanghaiYear();
    const year = years.includes(now) ? now : years[0];
    $("year").value = String(year);
    $("year").addEventListener("change", () => chooseYear(Number($("year").value)).catch((failure) => say(describeError(failure))));
    const form = $("record-form");
    form.addEventListener("submit", submit);
    form.elements.namedItem("type").addEventListener("change", onTypeChange);
    form.elements.namedItem("source").addEventListener("change", () => {
      state.sourceTouched = true;
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
    document.addEventListener("vcwatch:langchange", () => {
      fillForm();
      loadMeetings();
      loadRecent();
    });
    await chooseYear(year);
  } catch (failure) {
    say(describeError(failure));
  }
}

main();
