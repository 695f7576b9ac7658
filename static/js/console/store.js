// What the console knows about one meeting: incidents by key, roll-call marks by checkpoint and
// venue, and the last event sequence number applied. Events apply at most once (by seq); server
// answers and events merge by the incident key, so a tag shown before the server confirmed it is
// the same row afterwards.

import { toCents } from "./dom.js";

export class MeetingState extends EventTarget {
  constructor(meeting) {
    super();
    this.meeting = meeting;
    this.lastSeq = 0;
    this.incidents = new Map(); // key → {data, local: pending|sending|failed|cancelled|null, error, voiding}
    this.marks = new Map(); // "checkpoint/unit" → {server, answer, local, error}
    this.notes = []; // other events shown in the timeline: {id, kind, at, actor, data}
  }

  changed(what) {
    this.dispatchEvent(new CustomEvent("change", { detail: { what } }));
  }

  // -- events -------------------------------------------------------------------------

  applyEvents(events) {
    let applied = false;
    for (const event of events) applied = this.applyOne(event) || applied;
    if (applied) this.changed("events");
    return applied;
  }

  applyOne(event) {
    if (event.meeting !== this.meeting.key || event.seq <= this.lastSeq) return false;
    this.lastSeq = event.seq;
    if (event.kind === "incident.logged" || event.kind === "incident.voided") {
      this.mergeIncident(event.data, { seq: event.seq });
    } else if (event.kind === "roll_call.marked") {
      this.mergeMark(event.data);
      // Late and absent marks carry an incident, which has a row of its own.
      if (!event.data.incident) this.notes.push(this.note(event));
    } else if (String(event.kind).startsWith("flag.") || event.kind === "venue.audio_state") {
      // Frame-check flags and the venues' audio states have panels of their own; the timeline
      // notes only the flags' decisions (a confirmed one also shows as its incident).
      if (event.kind === "flag.confirmed" || event.kind === "flag.dismissed") this.notes.push(this.note(event));
    } else {
      this.notes.push(this.note(event));
    }
    return true;
  }

  note(event) {
    return { id: `event-${event.seq}`, kind: event.kind, at: event.at, actor: event.actor, data: event.data, seq: event.seq };
  }

  // -- incidents ----------------------------------------------------------------------

  mergeIncident(data, { seq = null } = {}) {
    const known = this.incidents.get(data.key);
    if (!known) {
      this.incidents.set(data.key, { data, local: null, error: null, voiding: false, seq });
      return;
    }
    // A void is final: an older copy (a late answer to the first POST) never un-voids a row.
    const voided = data.voided || known.data.voided;
    known.data = { ...data, voided };
    if (known.local !== "cancelled") known.local = null;
    known.error = null;
    if (voided) known.voiding = false;
    if (seq !== null && known.seq === null) known.seq = seq;
  }

  addLocalIncident(data, { state }) {
    this.incidents.set(data.key, { data, local: state, error: null, voiding: false, seq: null });
    this.changed("incident");
  }

  setLocal(key, state, error = null) {
    const known = this.incidents.get(key);
    if (!known) return;
    if (known.local !== null || state === "failed") {
      known.local = state;
      known.error = error;
    }
    this.changed("incident");
  }

  confirmIncident(data) {
    this.mergeIncident(data);
    this.changed("incident");
  }

  markVoiding(key, reason, by) {
    const known = this.incidents.get(key);
    if (!known) return;
    known.voiding = true;
    known.pendingVoid = { reason, by };
    this.changed("incident");
  }

  voidFailed(key, error) {
    const known = this.incidents.get(key);
    if (!known) return;
    known.voiding = false;
    known.pendingVoid = null;
    known.voidError = error;
    this.changed("incident");
  }

  cancelLocal(key) {
    const known = this.incidents.get(key);
    if (!known) return;
    known.local = "cancelled";
    this.changed("incident");
  }

  dropLocal(key) {
    this.incidents.delete(key);
    this.changed("incident");
  }

  // Counted: not voided, not being voided, not cancelled before it was sent.
  counts(incident) {
    return !incident.data.voided && !incident.voiding && incident.local !== "cancelled";
  }

  tallies() {
    const byUnit = new Map();
    let count = 0;
    let cents = 0;
    for (const incident of this.incidents.values()) {
      if (!this.counts(incident)) continue;
      const unit = incident.data.unit;
      const entry = byUnit.get(unit) || { count: 0, cents: 0 };
      const points = toCents(incident.data.points || "0");
      entry.count += 1;
      entry.cents += points;
      byUnit.set(unit, entry);
      count += 1;
      cents += points;
    }
    return { byUnit, count, cents };
  }

  // -- roll call ----------------------------------------------------------------------
  //
  // A venue's mark at a checkpoint has three layers, shown top first:
  //   local  — our mark, not yet answered by the server;
  //   answer — our mark as the server answered it, until its own event comes back (events run in
  //            seq order, so anything arriving before that echo is older and must not cover it;
  //            `marked_at` is to the second and cannot order two marks made in the same second);
  //   server — the latest mark from events (or the roll-call listing at load).

  markKey(checkpoint, unit) {
    return `${checkpoint}/${unit}`;
  }

  cell(checkpoint, unit) {
    const key = this.markKey(checkpoint, unit);
    let cell = this.marks.get(key);
    if (!cell) {
      cell = { server: null, answer: null, local: null, error: null };
      this.marks.set(key, cell);
    }
    return cell;
  }

  mergeMark(data) {
    const cell = this.cell(data.checkpoint, data.unit);
    cell.server = data;
    if (cell.answer && sameMark(cell.answer, data)) cell.answer = null;
  }

  setMarks(list) {
    for (const data of list) {
      const cell = this.cell(data.checkpoint, data.unit);
      cell.server = data;
      if (cell.answer && sameMark(cell.answer, data)) cell.answer = null;
    }
    this.changed("marks");
  }

  confirmMark(data, sent) {
    const cell = this.cell(data.checkpoint, data.unit);
    // An answer to an older send than the latest local mark leaves that local mark on top.
    if (cell.local && sent && cell.local.made === sent.made) cell.local = null;
    cell.error = null;
    cell.answer = cell.server && sameMark(cell.server, data) ? null : data;
    this.changed("marks");
  }

  addLocalMark(data, made) {
    const cell = this.cell(data.checkpoint, data.unit);
    cell.local = { data, made };
    cell.error = null;
    this.changed("marks");
  }

  markFailed(checkpoint, unit, error) {
    const cell = this.cell(checkpoint, unit);
    cell.local = null;
    cell.error = error;
    this.changed("marks");
  }

  // What to show: {data, pending, error}, or null for a venue not marked yet.
  mark(checkpoint, unit) {
    const cell = this.marks.get(this.markKey(checkpoint, unit));
    if (!cell) return null;
    const data = (cell.local && cell.local.data) || cell.answer || cell.server;
    if (!data) return cell.error ? { data: null, pending: false, error: cell.error } : null;
    return { data, pending: Boolean(cell.local), error: cell.error };
  }
}

function sameMark(a, b) {
  return (
    a.status === b.status &&
    (a.reason || null) === (b.reason || null) &&
    a.marked_at === b.marked_at &&
    a.marked_by === b.marked_by &&
    (a.incident || null) === (b.incident || null)
  );
}
