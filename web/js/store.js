// The state of one joined meeting, kept by applying events in seq order.
// A gap in seq (or a `resync` event) makes us ask meeting.sync {since}; its
// reply is either the missing events or a whole new state. Listeners get
// (store, cause) where cause is the event name, 'state' or 'presence'.

import { noteServerTime } from './clock.js';
import { applyContingentEvent } from './views/groups.js';
import { applyDeadlineEvent } from './views/inscription.js';
import { applyItemClockEvent } from './views/item_clock.js';

const idOf = (x) => (x && typeof x === 'object' ? x.id : x);

export class MeetingStore {
  constructor(client, meetingId) {
    this.client = client;
    this.meetingId = meetingId;
    this.state = null;
    this.listeners = new Set();
    this.syncing = false;
    this.buffer = [];
    client.onEvent((ev) => this.onEvent(ev));
  }

  subscribe(fn) { this.listeners.add(fn); }
  emit(cause, ev) { for (const fn of this.listeners) fn(this, cause, ev); }

  async join(presence) {
    this.presence = presence;
    const reply = await this.client.request('meeting.join', { meeting: this.meetingId, presence });
    this.setState(reply.state);
    return reply.state;
  }

  setState(state) {
    this.state = { ...state, queue: state.queue || [], items: state.items || state.meeting?.items || [] };
    if (!Array.isArray(this.state.attendance)) this.state.attendance = null;
    noteServerTime(state.server_time);
    this.buffer = [];
    this.emit('state');
  }

  onEvent(ev) {
    // The programme stream (decisions by non-objection) has seqs of its own: programme.js keeps it.
    if (ev.stream === 'programme') return;
    // The envelope's `meeting` is the id, except in meeting.changed, whose
    // payload field of the same name (the meeting object) takes its place.
    const mid = idOf(ev.meeting);
    if (mid !== undefined && mid !== this.meetingId) return;
    if (!this.state) return;
    if (ev.ev === 'presence') { this.applyPresence(ev); return; }
    if (ev.ev === 'resync') { this.sync(); return; }
    if (typeof ev.seq !== 'number') { this.apply(ev); return; }
    if (this.syncing) { this.buffer.push(ev); return; }
    if (ev.seq <= this.state.seq) return; // already applied
    if (ev.seq !== this.state.seq + 1) { this.buffer.push(ev); this.sync(); return; }
    this.syncTries = 0;
    this.apply(ev);
  }

  async sync() {
    if (this.syncing || !this.state) return;
    // A sync that does not close the gap is not tried forever: after three in
    // a row, a re-join brings a whole state.
    this.syncTries = (this.syncTries || 0) + 1;
    if (this.syncTries > 3 && this.presence) {
      this.syncTries = 0;
      this.buffer = [];
      this.join(this.presence).catch(() => {});
      return;
    }
    this.syncing = true;
    try {
      let reply = await this.client.request('meeting.sync', { meeting: this.meetingId, since: this.state.seq });
      // A long gap comes in pages: apply each and ask from where it ends.
      while (!reply.state && reply.more && reply.events?.length) {
        for (const ev of reply.events) if (ev.seq > this.state.seq) this.apply(ev);
        reply = await this.client.request('meeting.sync', { meeting: this.meetingId, since: this.state.seq });
      }
      if (reply.state) {
        const buffered = this.buffer;
        this.setState(reply.state);
        this.buffer = buffered;
      } else {
        for (const ev of reply.events || []) if (ev.seq > this.state.seq) this.apply(ev);
        // Presence is not kept in the log: the chair's sync brings it whole.
        if (Array.isArray(reply.attendance)) {
          this.state.attendance = reply.attendance;
          this.emit('state');
        }
      }
    } catch (err) {
      // Offline: the reconnection re-joins and brings a whole state, so drop
      // what we buffered (re-applying it now would only ask again, forever).
      // Online but refused: re-join to get a whole state now.
      this.syncing = false;
      this.buffer = [];
      if (err.code !== 'offline' && err.code !== 'timeout' && this.presence) {
        this.join(this.presence).catch(() => {});
      }
      return;
    }
    this.syncing = false;
    const pending = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const ev of pending) this.onEvent(ev);
  }

  apply(ev) {
    const st = this.state;
    if (typeof ev.seq === 'number') st.seq = ev.seq;
    const q = st.queue;
    switch (ev.ev) {
      case 'queue.added':
        if (!q.some((e) => e.id === ev.entry.id)) insertByPosition(q, ev.entry, ev.position);
        break;
      case 'queue.updated': {
        const i = q.findIndex((e) => e.id === ev.entry.id);
        if (i >= 0) q[i] = { ...q[i], ...ev.entry };
        if (st.floor && st.floor.entry?.id === ev.entry.id) st.floor.entry = { ...st.floor.entry, ...ev.entry };
        break;
      }
      case 'queue.removed': {
        const id = idOf(ev.entry);
        st.queue = q.filter((e) => e.id !== id);
        break;
      }
      case 'queue.moved': {
        const id = idOf(ev.entry);
        const i = q.findIndex((e) => e.id === id);
        if (i >= 0) {
          const [e] = q.splice(i, 1);
          q.splice(Math.min(ev.position, q.length), 0, typeof ev.entry === 'object' ? { ...e, ...ev.entry } : e);
        }
        break;
      }
      case 'queue.closed': st.list_closed = true; break;
      case 'queue.opened': st.list_closed = false; break;
      case 'floor.changed':
        st.floor = ev.floor || null;
        if (st.floor) st.queue = st.queue.filter((e) => e.id !== st.floor.entry?.id);
        break;
      case 'floor.expired':
        if (st.floor) st.floor = { ...st.floor, overrun: true };
        break;
      case 'speech.ended': break;
      case 'item': {
        const item = ev.item;
        st.item = idOf(item);
        if (item && typeof item === 'object') {
          const i = st.items.findIndex((it) => it.id === item.id);
          if (i >= 0) st.items[i] = { ...st.items[i], ...item };
        }
        if (Array.isArray(ev.queue)) st.queue = ev.queue;
        if (typeof ev.list_closed === 'boolean') st.list_closed = ev.list_closed;
        break;
      }
      case 'meeting.suspended': st.sitting = 'suspended'; break;
      case 'meeting.resumed': st.sitting = 'open'; break;
      case 'meeting.closed': st.sitting = 'closed'; break;
      case 'meeting.changed':
        st.meeting = { ...st.meeting, ...ev.meeting };
        if (Array.isArray(ev.meeting?.items)) st.items = ev.meeting.items;
        break;
      default: break;
    }
    applyContingentEvent(st, ev);
    applyDeadlineEvent(st, ev);
    applyItemClockEvent(st, ev);
    this.emit(ev.ev, ev);
  }

  // presence carries ids only ({participant, delegation, presence, online});
  // names come from the attendance list of the last state. For someone not in
  // it, onUnknownPresence lets the page fetch a fresh state.
  applyPresence(ev) {
    const list = this.state.attendance || (this.state.attendance = []);
    const i = list.findIndex((a) => a.participant === ev.participant);
    const old = i >= 0 ? list[i] : {};
    const row = { ...old, ...ev };
    delete row.ev;
    delete row.meeting;
    if (typeof ev.delegation !== 'object' && old.delegation && typeof old.delegation === 'object') row.delegation = old.delegation;
    if (i >= 0) list[i] = row; else list.push(row);
    if ((i < 0 || !row.name) && this.onUnknownPresence) this.onUnknownPresence(ev);
    this.emit('presence', ev);
  }

  // Derived views
  get currentItem() {
    const st = this.state;
    return st?.items.find((it) => it.id === st.item) || null;
  }

  get nextItem() {
    const st = this.state;
    if (!st) return null;
    const i = st.items.findIndex((it) => it.id === st.item);
    return st.items[i + 1] || null;
  }

  get policy() {
    return this.state?.meeting?.policy || {};
  }
}

// queue.added carries no position: place the entry as plenaryd does (its
// docs/PROTOCOL.md, G), after the last waiting entry of its own class or an
// earlier one (points of order, then statements and questions, then rights of
// reply), so the chair's moves are kept. A position from the server wins.
const CLASS = { point_of_order: 0, statement: 1, question: 1, right_of_reply: 2 };
const classOf = (e) => CLASS[e.kind] ?? 1;

function insertByPosition(q, entry, position) {
  if (typeof position === 'number' && position >= 0 && position <= q.length) {
    q.splice(position, 0, entry);
    return;
  }
  let at = 0;
  for (let i = q.length - 1; i >= 0; i--) {
    if (classOf(q[i]) <= classOf(entry)) { at = i + 1; break; }
  }
  q.splice(at, 0, entry);
}
