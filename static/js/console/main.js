// The meeting console: wires the meeting picker, the two roll-call modes, incident tagging, the
// live timeline, the outbox and the meeting's socket together, and owns the keyboard.

import { api, ApiError, describeError, goToLogin } from "../api.js";
import { currentLang, t } from "../i18n.js";
import { startPage } from "../shell.js";
import { Connection } from "./connection.js";
import { clear, h, hourMinute, isTextField, newKey, nowIso, shanghaiDay } from "./dom.js";
import { AudioStates } from "./audio.js";
import { FlagsPanel } from "./flags.js";
import { Help } from "./help.js";
import { MeetingPicker, defaultMeeting, meetingsAroundToday } from "./meetings.js";
import { MESSAGES } from "./messages.js";
import { Notices } from "./notices.js";
import { Outbox } from "./outbox.js";
import { RollCallView } from "./rollcall.js";
import { MeetingState } from "./store.js";
import { TaggingView } from "./tagging.js";
import { TimelineView } from "./timeline.js";

const MODES = ["half_day", "two_hours", "incidents"];
const MODE_KEYS = { Digit1: "half_day", Digit2: "two_hours", Digit3: "incidents" };
const UNDO_WINDOW_MS = 10000;
const UNDO_REASON = "撤销";
const WRITERS = ["admin", "controller"];
const EVENTS_PAGE = 1000;
const VENUES_POLL_MS = 5000;

const $ = (id) => document.getElementById(id);

const session = await startPage(MESSAGES);
const account = session.account;
const canWrite = WRITERS.includes(account.role);
const outbox = new Outbox(account.username);
const notices = new Notices($("toasts"));
const help = new Help($("help-dialog"));

let mode = MODES.includes(localStorage.getItem("vcwatch.console.mode")) ? localStorage.getItem("vcwatch.console.mode") : "incidents";
let current = null; // {meeting, state, connection, rulebook, typeNames}
const myTags = []; // {key, madeAt, venue, type} — what Ctrl+Z may undo

// -- venues and views ---------------------------------------------------------------------

function orderVenues(units) {
  const byCode = (a, b) => a.code.localeCompare(b.code);
  const ordered = [];
  for (const city of units.filter((u) => u.level === "city").sort(byCode)) {
    ordered.push(city, ...units.filter((u) => u.parent === city.code).sort(byCode));
  }
  ordered.push(...units.filter((u) => !ordered.includes(u)).sort(byCode));
  return ordered.map((unit, index) => ({ ...unit, number: index + 1 }));
}

function typeName(code) {
  const english = t(`type.${code}`);
  if (currentLang() === "en" && english !== `type.${code}`) return english;
  const fromRulebook = current && current.typeNames.get(code);
  if (fromRulebook) return fromRulebook;
  return english !== `type.${code}` ? english : code;
}

let venues = [];
try {
  venues = orderVenues(await api("GET", "/api/units"));
} catch (error) {
  showBanner(t("console.loadFailed", { msg: describeError(error) }));
}
const venueByCode = new Map(venues.map((v) => [v.code, v]));

const work = $("work");
const rollcall = new RollCallView({ root: work, venues, canWrite, mark: markVenue });
const tagging = new TaggingView({
  root: work,
  venues,
  canWrite,
  typeName,
  tag: makeTag,
  notify: (text, kind) => notices.show(text, { kind }),
});
const timeline = new TimelineView({
  root: $("timeline"),
  venues,
  canWrite,
  typeName,
  onVoid: askVoid,
  onRetry: (key) => outbox.retryFailed(key),
  onDrop: dropFailed,
});

const flags = new FlagsPanel({
  root: $("flags"),
  dialog: $("flag-image-dialog"),
  venueByCode,
  canWrite,
  notify: (text, kind) => notices.show(text, { kind }),
  onLeave: leaveFlags,
});

const audio = new AudioStates({
  root: $("audio-states"),
  venues,
  canWrite,
  notify: (text, kind) => notices.show(text, { kind }),
});

function leaveFlags() {
  const composer = work.querySelector(".composer");
  if (mode === "incidents" && composer) composer.focus();
  else if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
}

const picker = new MeetingPicker({
  select: $("meeting-select"),
  button: $("new-meeting"),
  dialog: $("meeting-dialog"),
  canCreate: canWrite,
  onPick: (meeting) => openMeeting(meeting),
});

// -- modes --------------------------------------------------------------------------------

function renderModes() {
  const nav = $("modes");
  clear(nav, MODES.map((name, index) =>
    h("button", {
      type: "button",
      class: "mode",
      dataset: { mode: name },
      "aria-pressed": String(name === mode),
      "aria-keyshortcuts": `Shift+${index + 1}`,
      onclick: () => setMode(name),
    }, h("span", { text: t(`mode.${name}`) }), h("kbd", { text: `⇧${index + 1}` })),
  ));
}

function setMode(next) {
  mode = next;
  localStorage.setItem("vcwatch.console.mode", next);
  renderModes();
  showWork();
}

function showWork() {
  document.body.dataset.mode = mode;
  if (!current) {
    clear(work, h("p", { class: "muted empty", text: t("console.meeting.pick") }));
  } else if (mode === "incidents") {
    tagging.show(current.state, current.rulebook);
  } else {
    rollcall.show(current.state, mode);
  }
  renderHelp();
}

function renderHelp() {
  const keys = tagging.types.map((type) => [tagging.keys.get(type.code), typeName(type.code)]);
  help.render(keys);
}

// -- meetings -----------------------------------------------------------------------------

async function openMeeting(meeting) {
  if (current && current.connection) current.connection.stop();
  flags.close();
  const state = new MeetingState(meeting);
  current = { meeting, state, connection: null, rulebook: null, typeNames: new Map() };
  const here = current;
  picker.setCurrent(meeting);
  const url = new URL(location.href);
  url.searchParams.set("meeting", meeting.key);
  history.replaceState(null, "", url);
  $("meeting-title").textContent = meeting.title;
  $("meeting-time").textContent = `${shanghaiDay(meeting.starts_at)} ${hourMinute(meeting.starts_at)}`;
  clear(work, h("p", { class: "muted empty", text: "…" }));
  hideBanner();
  try {
    const year = shanghaiDay(meeting.starts_at).slice(0, 4);
    const rulebook = api("GET", `/api/periods/${year}/rulebook`).catch((error) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    });
    const key = encodeURIComponent(meeting.key);
    for (let after = 0; ; ) {
      const events = await api("GET", `/api/meetings/${key}/events?after=${after}&limit=${EVENTS_PAGE}`);
      state.applyEvents(events);
      flags.applyEvents(events);
      audio.applyEvents(events);
      if (events.length < EVENTS_PAGE) break;
      after = events[events.length - 1].seq;
    }
    state.setMarks(await api("GET", `/api/meetings/${key}/roll-call`));
    here.rulebook = await rulebook;
  } catch (error) {
    if (current === here) showBanner(t("console.loadFailed", { msg: describeError(error) }));
    return;
  }
  if (current !== here) return;
  if (here.rulebook) {
    for (const item of here.rulebook.items) for (const type of item.types || []) here.typeNames.set(type.code, type.name);
  }
  flags.open(meeting.key);
  restorePending(state);
  state.addEventListener("change", (event) => refresh(event.detail.what));
  timeline.setState(state);
  showWork();
  const connection = new Connection({
    meeting: meeting.key,
    lastSeq: () => state.lastSeq,
    onEvents: (events) => {
      state.applyEvents(events);
      flags.applyEvents(events);
      audio.applyEvents(events);
    },
    onPolicyClose: checkSession,
  });
  here.connection = connection;
  connection.addEventListener("state", renderConnection);
  let firstReady = true;
  connection.addEventListener("ready", () => {
    outbox.kick();
    // Back after a break: what was decided or raised while away is read again.
    if (!firstReady) flags.reload();
    firstReady = false;
  });
  connection.start();
  renderConnection();
}

function refresh(what) {
  if (!current) return;
  if (mode === "incidents") tagging.update();
  else if (what !== "incident") rollcall.update();
  timeline.update();
}

async function checkSession() {
  try {
    await api("GET", "/api/session");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showBanner(t("console.sessionEnded"));
      goToLogin();
    }
  }
}

// Tags and marks still in the outbox (from before a reload, or made offline) show as pending.
function restorePending(state) {
  for (const entry of outbox.entries()) {
    if (entry.meeting !== state.meeting.key) continue;
    if (entry.kind === "incident" && !state.incidents.has(entry.id)) {
      state.addLocalIncident(localIncident(entry), { state: "pending" });
    } else if (entry.kind === "void") {
      state.markVoiding(entry.key, entry.reason, account.username);
    } else if (entry.kind === "mark") {
      state.addLocalMark(localMark(entry), entry.made);
    }
  }
  for (const entry of outbox.failed()) {
    if (entry.meeting !== state.meeting.key || entry.kind !== "incident") continue;
    if (!state.incidents.has(entry.id)) state.addLocalIncident(localIncident(entry), { state: "failed" });
    state.setLocal(entry.id, "failed", entry.error);
  }
}

function localIncident(entry) {
  const body = entry.body;
  return {
    key: entry.id,
    unit: body.unit,
    type: body.type,
    points: entry.points || "0.00",
    meeting: body.meeting,
    checkpoint: null,
    at: body.at,
    note: body.note || null,
    source: body.source,
    evidence: null,
    logged_by: account.username,
    logged_by_name: account.display_name,
    voided: null,
  };
}

function localMark(entry) {
  return {
    meeting: entry.meeting,
    unit: entry.unit,
    checkpoint: entry.checkpoint,
    status: entry.body.status,
    reason: entry.body.reason,
    incident: null,
    marked_by: account.username,
    marked_by_name: account.display_name,
    marked_at: new Date(entry.made || Date.now()).toISOString(),
  };
}

// -- writing: tags, voids, marks ----------------------------------------------------------

function makeTag({ venue, type, points, note, snapshot }) {
  if (!current) return;
  const key = newKey();
  const body = { unit: venue.code, type, meeting: current.meeting.key, at: nowIso(), source: "online_monitoring" };
  if (note) body.note = note;
  const entry = { id: key, kind: "incident", meeting: current.meeting.key, body, points };
  if (snapshot) entry.snapshot = snapshot.dataUrl;
  current.state.addLocalIncident(localIncident(entry), { state: navigator.onLine ? "sending" : "pending" });
  const row = current.state.incidents.get(key);
  if (row && snapshot) row.hasSnapshot = true;
  myTags.push({ key, madeAt: Date.now(), venue, type });
  outbox.add(entry);
  notices.show(`${t("tag.made", { venue: venue.name, type: typeName(type) })} · ${t("tag.undo_hint")}`, {
    kind: "ok",
    duration: UNDO_WINDOW_MS,
    countdown: true,
    slot: "tag",
  });
}

function voidTag(key, reason) {
  if (!current) return;
  if (outbox.withdraw(key)) {
    current.state.cancelLocal(key);
    return;
  }
  current.state.markVoiding(key, reason, account.username);
  outbox.add({ id: `void:${key}`, kind: "void", meeting: current.meeting.key, key, reason });
}

function undo() {
  if (!current || !canWrite) return;
  const now = Date.now();
  while (myTags.length) {
    const last = myTags[myTags.length - 1];
    const known = current.state.incidents.get(last.key);
    if (!known || !current.state.counts(known)) {
      myTags.pop();
      continue;
    }
    if (now - last.madeAt > UNDO_WINDOW_MS) {
      notices.show(t("tag.undo_late"), { kind: "warn", duration: 5000 });
      return;
    }
    myTags.pop();
    voidTag(last.key, UNDO_REASON);
    notices.show(t("tag.undone", { venue: last.venue.name, type: typeName(last.type) }), { kind: "info", slot: "tag" });
    return;
  }
  notices.show(t("tag.undo_none"), { kind: "info" });
}

async function askVoid(key) {
  if (!current) return;
  const known = current.state.incidents.get(key);
  if (!known) return;
  const venue = venueByCode.get(known.data.unit);
  const reason = await askReason(t("timeline.void.title"), `${venue ? venue.name : known.data.unit} · ${typeName(known.data.type)}`);
  if (reason) voidTag(key, reason);
}

function dropFailed(key) {
  outbox.dropFailed(key);
  if (current) current.state.dropLocal(key);
}

async function markVenue(checkpoint, venue, status) {
  if (!current) return false;
  const known = current.state.mark(checkpoint, venue.code);
  let reason = null;
  if (status === "excused") {
    reason = await askReason(t("rollcall.excused.title"), `${venue.name} · ${t(`checkpoint.${checkpoint}`)}`, known && known.data && known.data.reason);
    if (!reason) return false;
  }
  if (known && known.data && !known.pending && !known.error && known.data.status === status && (known.data.reason || null) === reason) {
    return true;
  }
  const meeting = current.meeting.key;
  const entry = {
    id: `mark:${meeting}/${checkpoint}/${venue.code}`,
    kind: "mark",
    meeting,
    checkpoint,
    unit: venue.code,
    body: { status, reason },
    made: Date.now(),
  };
  current.state.addLocalMark(localMark(entry), entry.made);
  outbox.add(entry);
  return true;
}

outbox.addEventListener("sending", ({ detail: { entry } }) => {
  if (current && entry.kind === "incident" && entry.meeting === current.meeting.key) current.state.setLocal(entry.id, "sending");
});
outbox.addEventListener("waiting", ({ detail: { entry } }) => {
  if (current && entry.kind === "incident" && entry.meeting === current.meeting.key) current.state.setLocal(entry.id, "pending");
});
outbox.addEventListener("sent", ({ detail: { entry, result } }) => {
  if (!current || entry.meeting !== current.meeting.key) return;
  if (entry.kind === "mark") current.state.confirmMark(result, entry);
  else current.state.confirmIncident(result);
});
outbox.addEventListener("failed", ({ detail: { entry, message } }) => {
  notices.show(message, { kind: "bad", duration: 8000 });
  if (entry.kind !== "incident") outbox.dropFailed(entry.id);
  if (!current || entry.meeting !== current.meeting.key) return;
  if (entry.kind === "incident") current.state.setLocal(entry.id, "failed", message);
  else if (entry.kind === "void") current.state.voidFailed(entry.key, message);
  else if (entry.kind === "mark") current.state.markFailed(entry.checkpoint, entry.unit, message);
});
outbox.addEventListener("change", renderConnection);
outbox.addEventListener("storage-error", () => showBanner(t("console.storageFull")));
window.addEventListener("online", () => outbox.kick());
setInterval(() => outbox.nudge(), 10000);

// -- the reason dialog --------------------------------------------------------------------

function askReason(title, context, initial = "") {
  const dialog = $("reason-dialog");
  const form = $("reason-form");
  const input = $("reason-input");
  $("reason-title").textContent = title;
  $("reason-context").textContent = context || "";
  input.value = initial || "";
  return new Promise((resolve) => {
    let answered = false;
    const finish = (value) => {
      if (answered) return;
      answered = true;
      form.removeEventListener("submit", onSubmit);
      $("reason-cancel").removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (value) finish(value);
    };
    const onCancel = () => finish(null);
    const onClose = () => finish(null);
    form.addEventListener("submit", onSubmit);
    $("reason-cancel").addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    input.focus();
    input.select();
  });
}

// -- connection indicator and banner ------------------------------------------------------

function renderConnection() {
  const box = $("connection");
  let state = current && current.connection ? current.connection.state : "closed";
  if (!navigator.onLine) state = "offline";
  const reason = current && current.connection && current.connection.state === "closed" ? "unknown_meeting" : null;
  box.dataset.state = state;
  $("connection-label").textContent = reason ? t("conn.unknown_meeting") : t(`conn.${state}`);
  const waiting = outbox.size;
  const failed = outbox.failed().length;
  const badge = $("outbox-count");
  badge.hidden = !waiting && !failed;
  badge.textContent = [waiting ? t("conn.outbox", { n: waiting }) : null, failed ? t("conn.failed", { n: failed }) : null]
    .filter(Boolean)
    .join(" · ");
}

function showBanner(text) {
  const banner = $("banner");
  banner.textContent = text;
  banner.hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
}

// -- keyboard -----------------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing) return;
  if (document.querySelector("dialog[open]")) return;
  const typing = isTextField(event.target);
  const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
  if (!typing && event.key === "?" && plain) {
    help.toggle();
    event.preventDefault();
    return;
  }
  if (!typing && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.code === "KeyZ") {
    undo();
    event.preventDefault();
    return;
  }
  if (!typing && plain && event.shiftKey && MODE_KEYS[event.code]) {
    setMode(MODE_KEYS[event.code]);
    event.preventDefault();
    return;
  }
  if (!typing && plain && event.shiftKey && event.code === "KeyF") {
    flags.focus();
    event.preventDefault();
    return;
  }
  if (flags.hasFocus()) {
    if (flags.handleKey(event)) event.preventDefault();
    return;
  }
  if (!current) return;
  const handled = mode === "incidents" ? tagging.handleKey(event, typing) : !typing && rollcall.handleKey(event);
  if (handled) event.preventDefault();
});

document.addEventListener("paste", (event) => {
  if (mode !== "incidents" || !current) return;
  if (document.querySelector("dialog[open]")) return;
  tagging.onPaste(event);
});

$("help-button").addEventListener("click", () => help.toggle());

document.addEventListener("vcwatch:langchange", () => {
  renderModes();
  picker.render();
  timeline.render();
  flags.render();
  audio.render();
  showWork();
  renderConnection();
});

// -- the venues' signal state ------------------------------------------------------------

async function pollVenues() {
  try {
    const list = await api("GET", "/api/venues");
    flags.setVenues(list);
    audio.setVenues(list);
    tagging.setOffline(list.filter((venue) => venue.status === "offline").map((venue) => venue.unit));
  } catch {
    // The next poll tries again; the connection indicator tells of a lost network.
  }
}

// -- start --------------------------------------------------------------------------------

renderModes();
showWork();
renderConnection();
outbox.kick();
pollVenues();
setInterval(() => {
  if (!document.hidden) pollVenues();
}, VENUES_POLL_MS);
try {
  const meetings = await meetingsAroundToday();
  const wanted = new URL(location.href).searchParams.get("meeting");
  let first = null;
  if (wanted) {
    first = meetings.find((m) => m.key === wanted) || (await api("GET", `/api/meetings/${encodeURIComponent(wanted)}`).catch(() => null));
  }
  first = first || defaultMeeting(meetings);
  picker.setMeetings(first && !meetings.some((m) => m.key === first.key) ? [...meetings, first] : meetings, first);
  if (first) await openMeeting(first);
} catch (error) {
  showBanner(t("console.loadFailed", { msg: describeError(error) }));
}
