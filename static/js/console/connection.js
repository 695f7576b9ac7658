// The meeting's WebSocket, kept alive: reconnects with exponential backoff and jitter, resumes
// from the last sequence number the page applied (`?after=N`), and treats a silent socket as a
// dead one (the server sends a heartbeat every 10 s; we ping too).
//
// States: "connecting" (first attempt), "online" (replay done, live), "reconnecting" (lost, trying
// again), "offline" (the browser reports no network, or several attempts in a row failed),
// "closed" (stopped for good: unknown meeting).
//
// Browsers keep an open socket alive when the network goes away (and test harnesses emulate
// offline for fetch only), so the page's own "offline" event closes it at once.

const PING_EVERY_MS = 10000;
const SILENCE_LIMIT_MS = 25000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30000;
const OFFLINE_AFTER_ATTEMPTS = 4;

export const CLOSE = { policy: 1008, unknownMeeting: 4404, tooSlow: 4408 };

export class Connection extends EventTarget {
  constructor({ meeting, lastSeq, onEvents, onPolicyClose }) {
    super();
    this.meeting = meeting;
    this.lastSeq = lastSeq; // () → the last seq applied
    this.onEvents = onEvents; // (events) → void
    this.onPolicyClose = onPolicyClose; // async () → void; checks the session
    this.socket = null;
    this.state = "connecting";
    this.attempts = 0;
    this.timer = null;
    this.watchdog = null;
    this.lastHeard = 0;
    this.stopped = false;
    this.onOffline = () => this.goOffline();
    this.onOnline = () => this.reconnectNow();
  }

  start() {
    window.addEventListener("offline", this.onOffline);
    window.addEventListener("online", this.onOnline);
    this.watchdog = setInterval(() => this.checkPulse(), 2500);
    if (navigator.onLine) this.open();
    else this.setState("offline");
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("offline", this.onOffline);
    window.removeEventListener("online", this.onOnline);
    clearInterval(this.watchdog);
    clearTimeout(this.timer);
    this.drop();
  }

  setState(state, detail = {}) {
    if (this.state === state && !detail.force) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, ...detail } }));
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const key = encodeURIComponent(this.meeting);
    return `${scheme}//${location.host}/ws/meetings/${key}?after=${this.lastSeq()}`;
  }

  open() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.drop();
    const socket = new WebSocket(this.url());
    this.socket = socket;
    this.lastHeard = Date.now();
    this.lastPing = Date.now();
    let pending = [];
    let flushQueued = false;
    const flushEvents = () => {
      flushQueued = false;
      const batch = pending;
      pending = [];
      if (batch.length && socket === this.socket) this.onEvents(batch);
    };
    socket.addEventListener("message", (message) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data.type === "event") {
        // A replay arrives as a burst: apply it in one go.
        pending.push(data);
        if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(flushEvents);
        }
      } else if (data.type === "ready") {
        flushEvents();
        this.attempts = 0;
        this.setState("online");
        this.dispatchEvent(new CustomEvent("ready", { detail: { seq: data.seq } }));
      } else if (data.type === "heartbeat") {
        flushEvents();
        // The server has sent more than we applied: resync from what we have.
        if (data.seq > this.lastSeq()) this.reconnectNow();
      }
    });
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.closed(event.code, opened);
    });
  }

  drop() {
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "bye");
  }

  async closed(code, opened) {
    if (this.stopped) return;
    if (code === CLOSE.unknownMeeting) {
      this.setState("closed", { reason: "unknown_meeting" });
      return;
    }
    if (!navigator.onLine) {
      this.setState("offline");
      return;
    }
    // A refused login (1008), or a handshake that failed behind a proxy: is the session still on?
    if ((code === CLOSE.policy || !opened) && this.onPolicyClose) await this.onPolicyClose();
    if (this.stopped) return;
    if (code === CLOSE.tooSlow) {
      this.attempts = 0;
      this.setState("reconnecting");
      this.open();
      return;
    }
    this.retryLater();
  }

  retryLater() {
    this.attempts += 1;
    this.setState(this.attempts >= OFFLINE_AFTER_ATTEMPTS ? "offline" : "reconnecting");
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.attempts - 1));
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }

  goOffline() {
    clearTimeout(this.timer);
    this.drop();
    this.setState("offline");
  }

  reconnectNow() {
    if (this.stopped || !navigator.onLine) return;
    this.attempts = 0;
    this.setState("reconnecting");
    this.open();
  }

  checkPulse() {
    const socket = this.socket;
    if (!socket || socket.readyState > WebSocket.OPEN) return;
    const now = Date.now();
    // Silent while open, or a handshake that hangs: either way, start again.
    if (now - this.lastHeard > SILENCE_LIMIT_MS) {
      this.socket = null;
      socket.close(4000, "silent");
      this.retryLater();
      return;
    }
    if (socket.readyState === WebSocket.OPEN && now - this.lastPing >= PING_EVERY_MS) {
      this.lastPing = now;
      socket.send('{"type":"ping"}');
    }
  }
}
