// Writes wait here, in localStorage, until the server has answered them.
//
// Invariant: an entry leaves the queue only when the server answered it (success, or a refusal
// that a retry cannot change); a network failure leaves it where it is. An incident entry's id is
// its Idempotency-Key, chosen once when the tag is made, so sending it again — after a lost answer,
// a reload, or from a second tab of the same account — returns the first record and never
// counts twice. Entries go out one at a time, in the order they were made, so a void never
// overtakes the tag it voids.
//
// Entry shapes:
//   {id: key, kind: "incident", meeting, body, snapshot?: dataURL, made}
//   {id: "void:" + key, kind: "void", meeting, key, reason, made}
//   {id: "mark:" + meeting/checkpoint/unit, kind: "mark", meeting, checkpoint, unit, body, made}

import { api, ApiError, describeError } from "../api.js";

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;

export class Outbox extends EventTarget {
  constructor(owner) {
    super();
    this.storageKey = `vcwatch.outbox.${owner}`;
    this.failedKey = `vcwatch.outbox-failed.${owner}`;
    this.memory = null; // used only when localStorage refuses to keep the queue
    this.failedMemory = null;
    this.flushing = false;
    this.retryDelay = RETRY_MIN_MS;
    this.retryTimer = null;
    this.blocked = false; // true while the network is known to be down
    window.addEventListener("storage", (event) => {
      if (event.key === this.storageKey || event.key === this.failedKey) this.emit("change");
    });
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // -- storage ------------------------------------------------------------------------

  read(key, memory) {
    if (memory !== null) return memory;
    try {
      const parsed = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  write(key, entries) {
    try {
      if (entries.length) localStorage.setItem(key, JSON.stringify(entries));
      else localStorage.removeItem(key);
      return true;
    } catch {
      this.emit("storage-error");
      return false;
    }
  }

  entries() {
    return this.read(this.storageKey, this.memory);
  }

  failed() {
    return this.read(this.failedKey, this.failedMemory);
  }

  update(change) {
    const entries = this.entries();
    const next = change(entries) || entries;
    if (this.write(this.storageKey, next)) this.memory = null;
    else this.memory = next;
    this.emit("change");
    return next;
  }

  updateFailed(change) {
    const entries = this.failed();
    const next = change(entries) || entries;
    if (this.write(this.failedKey, next)) this.failedMemory = null;
    else this.failedMemory = next;
    this.emit("change");
  }

  get size() {
    return this.entries().length;
  }

  has(id) {
    return this.entries().some((entry) => entry.id === id);
  }

  // -- queueing -----------------------------------------------------------------------

  // An entry with the id of one still queued replaces it (a venue marked again before the first
  // mark went out). `uid` tells the two apart while the first one is in flight.
  add(entry) {
    const uid = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.update((entries) => [...entries.filter((e) => e.id !== entry.id || e.uid === this.sendingUid), { made: Date.now(), ...entry, uid }]);
    this.kick();
  }

  // Take a not-yet-sent entry back (an undo before the tag ever left this browser).
  withdraw(id) {
    if (this.sendingId === id) return false;
    let found = false;
    this.update((entries) =>
      entries.filter((entry) => {
        if (entry.id === id) found = true;
        return entry.id !== id;
      }),
    );
    return found;
  }

  retryFailed(id) {
    const entry = this.failed().find((e) => e.id === id);
    if (!entry) return;
    this.updateFailed((entries) => entries.filter((e) => e.id !== id));
    delete entry.error;
    this.add(entry);
  }

  dropFailed(id) {
    this.updateFailed((entries) => entries.filter((e) => e.id !== id));
  }

  // -- sending ------------------------------------------------------------------------

  setBlocked(blocked) {
    this.blocked = blocked;
    if (!blocked) {
      this.retryDelay = RETRY_MIN_MS;
      this.kick();
    }
  }

  kick() {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (!this.flushing) this.flush();
  }

  // A gentle periodic try that leaves a scheduled backoff alone.
  nudge() {
    if (this.retryTimer === null && !this.flushing && this.size) this.flush();
  }

  async flush() {
    if (this.flushing || this.blocked || !navigator.onLine) return;
    this.flushing = true;
    try {
      while (true) {
        const entry = this.entries()[0];
        if (!entry) break;
        this.sendingId = entry.id;
        this.sendingUid = entry.uid;
        this.emit("sending", { entry });
        let outcome;
        try {
          outcome = { ok: true, result: await deliver(entry, (name) => this.rememberEvidence(entry.id, name)) };
        } catch (error) {
          outcome = { ok: false, error };
        } finally {
          this.sendingId = null;
          this.sendingUid = null;
        }
        if (outcome.ok) {
          this.update((entries) => entries.filter((e) => e.uid !== entry.uid));
          this.retryDelay = RETRY_MIN_MS;
          this.emit("sent", { entry, result: outcome.result });
          continue;
        }
        if (isTransient(outcome.error)) {
          this.emit("waiting", { entry, error: outcome.error });
          this.scheduleRetry();
          break;
        }
        // Refused for good: keep it aside, visible, for the user to retry or drop.
        const message = describeError(outcome.error);
        this.update((entries) => entries.filter((e) => e.uid !== entry.uid));
        this.updateFailed((entries) => [...entries.filter((e) => e.id !== entry.id), { ...entry, error: message }]);
        this.emit("failed", { entry, error: outcome.error, message });
      }
    } finally {
      this.flushing = false;
    }
  }

  scheduleRetry() {
    if (this.retryTimer !== null) return;
    const delay = this.retryDelay * (0.75 + Math.random() / 2);
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, delay);
  }

  // Once the snapshot is stored on the server, a retry sends its name, not the image again.
  rememberEvidence(id, name) {
    this.update((entries) =>
      entries.map((entry) => {
        if (entry.id !== id) return entry;
        const next = { ...entry, body: { ...entry.body, evidence: name } };
        delete next.snapshot;
        return next;
      }),
    );
  }
}

function isTransient(error) {
  if (!(error instanceof ApiError)) return true; // fetch failed: no network, server down
  return error.status >= 500 || error.status === 429 || error.status === 401 || error.status === 408;
}

async function deliver(entry, rememberEvidence) {
  if (entry.kind === "incident") {
    const body = { ...entry.body };
    if (entry.snapshot && !body.evidence) {
      const stored = await api("POST", "/api/evidence", {
        body: dataUrlToBlob(entry.snapshot),
        headers: { "Content-Type": entry.snapshot.slice(5, entry.snapshot.indexOf(";")) },
      });
      body.evidence = stored.evidence;
      rememberEvidence(stored.evidence);
    }
    return api("POST", "/api/incidents", { body, headers: { "Idempotency-Key": entry.id } });
  }
  if (entry.kind === "void") {
    try {
      return await api("POST", `/api/incidents/${encodeURIComponent(entry.key)}/void`, {
        body: { reason: entry.reason },
      });
    } catch (error) {
      // Already voided (by us on an earlier try whose answer was lost, or by someone else).
      if (error instanceof ApiError && error.status === 409) {
        return api("GET", `/api/incidents/${encodeURIComponent(entry.key)}`);
      }
      throw error;
    }
  }
  if (entry.kind === "mark") {
    const path = `/api/meetings/${encodeURIComponent(entry.meeting)}/roll-call/${entry.checkpoint}/${entry.unit}`;
    return api("PUT", path, { body: entry.body });
  }
  throw new Error(`unknown outbox entry ${entry.kind}`);
}

export function dataUrlToBlob(dataUrl) {
  const comma = dataUrl.indexOf(",");
  const type = dataUrl.slice(5, dataUrl.indexOf(";"));
  const binary = atob(dataUrl.slice(comma + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}
