// The WebSocket client of the plenary.v1 protocol: request/reply matching by
// id, event listeners, and reconnection with exponential backoff (0.5 s
// doubling to 30 s, with jitter). After each (re)connection it says hello with
// the token and then calls the onReady hooks, so pages re-join their meeting
// and get a fresh state: nothing is assumed to have survived the break.

import { noteServerTime } from './clock.js';

const MIN_DELAY = 500;
const MAX_DELAY = 30000;
const REQUEST_TIMEOUT = 15000;
// The server closes with 4001 when the participant's token is reissued or
// revoked (docs/PROTOCOL.md, section D).
const CLOSE_CREDENTIALS = 4001;

export class ProtocolError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

export class Client {
  constructor(token, url = defaultUrl()) {
    this.token = token;
    this.url = url;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.readyHooks = new Set();
    this.delay = MIN_DELAY;
    this.status = 'connecting'; // connecting | online | offline | refused | revoked
    this.hello = null;
    this.stopped = false;
  }

  start() {
    this.open();
    window.addEventListener('online', () => this.kick());
  }

  /** Close for good: no reconnection (an applicant's link is spent). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  /** Reconnect now instead of waiting for the backoff timer. */
  kick() {
    if (this.status === 'offline' && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.open();
    }
  }

  open() {
    let ws;
    try {
      ws = new WebSocket(this.url, 'plenary.v1');
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => this.onOpen());
    ws.addEventListener('message', (e) => this.onMessage(e.data));
    ws.addEventListener('close', (e) => this.onClose(ws, e.code));
    ws.addEventListener('error', () => { /* close follows */ });
  }

  async onOpen() {
    try {
      const reply = await this.request('hello', { token: this.token });
      this.hello = reply;
      this.delay = MIN_DELAY;
      this.setStatus('online');
      // A snapshot: hooks added while these run (pages registering after the
      // first hello) are called by onReady itself, not twice.
      for (const hook of [...this.readyHooks]) {
        try { await hook(reply); } catch (err) { console.error(err); }
      }
    } catch (err) {
      if (err.code === 'unauthenticated') {
        this.stopped = true;
        this.setStatus('refused');
        this.ws?.close();
      } else {
        this.ws?.close(); // no hello, no session: start again (with backoff)
      }
    }
  }

  onMessage(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    if ('re' in msg) {
      const p = this.pending.get(msg.re);
      if (!p) return;
      this.pending.delete(msg.re);
      clearTimeout(p.timer);
      if ('server_time' in msg) noteServerTime(msg.server_time);
      if (msg.ok) p.resolve(msg);
      else p.reject(new ProtocolError(msg.error?.code || 'internal', msg.error?.message));
    } else if (msg.ev) {
      if ('server_time' in msg) noteServerTime(msg.server_time);
      for (const fn of this.listeners) fn(msg);
    }
  }

  onClose(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ProtocolError('offline', 'connection lost'));
    }
    this.pending.clear();
    if (this.stopped) return;
    if (code === CLOSE_CREDENTIALS) { // the link no longer works: say so, do not retry
      this.stopped = true;
      this.setStatus('revoked');
      return;
    }
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const jitter = 0.5 + Math.random() / 2;
    const wait = Math.round(this.delay * jitter);
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
    this.timer = setTimeout(() => { this.timer = null; this.open(); }, wait);
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    for (const fn of this.statusListeners) fn(status);
  }

  /** Send op with args; resolves with the reply, rejects with ProtocolError. */
  request(op, args = {}) {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new ProtocolError('offline', 'not connected'));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('timeout', `no reply to ${op}`));
      }, REQUEST_TIMEOUT);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ op, id, ...args }));
    });
  }

  onEvent(fn) { this.listeners.add(fn); }
  onStatus(fn) { this.statusListeners.add(fn); }
  /** fn(helloReply) after each successful hello, including the first. */
  onReady(fn) {
    this.readyHooks.add(fn);
    if (this.status === 'online' && this.hello) fn(this.hello);
  }
}

export function defaultUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
