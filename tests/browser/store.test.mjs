// The client's meeting store, run in Node against a scripted client: events
// are applied in seq order, a gap makes it call meeting.sync {since} and apply
// the events it gets back (or the state), a duplicate is ignored, and the
// list keeps the policy's order when queue.added has no position.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { WEB } from './harness.mjs';

const { MeetingStore } = await import(pathToFileURL(join(WEB, 'js', 'store.js')));

function scriptedClient(replies) {
  const client = {
    calls: [],
    listeners: [],
    onEvent(fn) { this.listeners.push(fn); },
    async request(op, args) { this.calls.push({ op, ...args }); return replies[op](args); },
    emit(ev) { for (const fn of this.listeners) fn(ev); },
  };
  return client;
}

const entry = (id, kind = 'statement') => ({ id, kind, speaker: id, delegation: { id: `d${id}`, name: id }, presence: 'room' });
const state = (seq, queue = []) => ({ meeting: { id: 'm1', policy: {} }, seq, item: 'i1', items: [{ id: 'i1', title: 'One', kind: 'general' }],
  list_closed: false, queue, floor: null, server_time: Date.now() });

test('applies events in order and ignores duplicates', async () => {
  const c = scriptedClient({ 'meeting.join': () => ({ state: state(4) }) });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 5, entry: entry('a') });
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 5, entry: entry('a') });
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 6, entry: entry('p', 'point_of_order') });
  c.emit({ ev: 'queue.added', meeting: 'other', seq: 7, entry: entry('x') });
  assert.deepEqual(s.state.queue.map((e) => e.id), ['p', 'a']);
  assert.equal(s.state.seq, 6);
});

test('a gap in seq calls meeting.sync since the last seq and applies what comes back', async () => {
  const c = scriptedClient({
    'meeting.join': () => ({ state: state(10) }),
    'meeting.sync': ({ since }) => ({ events: [
      { ev: 'queue.added', meeting: 'm1', seq: since + 1, entry: entry('a') },
      { ev: 'queue.added', meeting: 'm1', seq: since + 2, entry: entry('b') },
    ] }),
  });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'queue.moved', meeting: 'm1', seq: 13, entry: { id: 'b' }, position: 0 });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(c.calls.filter((x) => x.op === 'meeting.sync'), [{ op: 'meeting.sync', meeting: 'm1', since: 10 }]);
  assert.deepEqual(s.state.queue.map((e) => e.id), ['b', 'a']);
  assert.equal(s.state.seq, 13);
});

test('meeting.sync may answer with a whole state; resync events ask for it too', async () => {
  const c = scriptedClient({
    'meeting.join': () => ({ state: state(3) }),
    'meeting.sync': () => ({ state: state(40, [entry('z')]) }),
  });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'resync', meeting: 'm1', seq: 40 });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.state.seq, 40);
  assert.deepEqual(s.state.queue.map((e) => e.id), ['z']);
});

test('floor, item, update and close events change the state as the contract says', async () => {
  const c = scriptedClient({ 'meeting.join': () => ({ state: state(1, [entry('a'), entry('b')]) }) });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  let seq = 1;
  const ev = (e) => c.emit({ meeting: 'm1', seq: ++seq, ...e });
  ev({ ev: 'queue.updated', entry: { ...entry('b'), speaker: 'Bea' } });
  ev({ ev: 'queue.removed', entry: entry('a'), reason: 'called' });
  ev({ ev: 'floor.changed', floor: { entry: entry('a'), phase: 'speaking', allotted_ms: 1000, elapsed_ms: 0, paused: false }, server_time: Date.now() });
  ev({ ev: 'queue.closed' });
  assert.equal(s.state.queue[0].speaker, 'Bea');
  assert.equal(s.state.floor.entry.id, 'a');
  assert.equal(s.state.list_closed, true);
  ev({ ev: 'floor.expired', entry: entry('a') });
  assert.equal(s.state.floor.overrun, true);
  ev({ ev: 'item', item: { id: 'i2', title: 'Two', kind: 'stakeholder' }, queue: [], list_closed: false });
  assert.equal(s.state.item, 'i2');
  assert.deepEqual(s.state.queue, []);
  assert.equal(s.state.list_closed, false);
});

test('a sync that cannot fill the gap ends in a re-join, not a loop', async () => {
  let joins = 0;
  const c = scriptedClient({
    'meeting.join': () => { joins++; return { state: state(joins === 1 ? 1 : 50) }; },
    'meeting.sync': () => ({ events: [] }),
  });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 9, entry: entry('a') });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(joins, 2);
  assert.equal(s.state.seq, 50);
  assert.ok(c.calls.filter((x) => x.op === 'meeting.sync').length <= 3);
});

test('an offline sync does not spin', async () => {
  const c = scriptedClient({
    'meeting.join': () => ({ state: state(1) }),
    'meeting.sync': () => { throw Object.assign(new Error('not connected'), { code: 'offline' }); },
  });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 5, entry: entry('a') });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.calls.filter((x) => x.op === 'meeting.sync').length, 1);
  assert.equal(s.state.seq, 1);
});

test('a new entry goes after the last of its class or an earlier one, keeping the chair\'s moves', async () => {
  const moved = [entry('s1'), entry('p1', 'point_of_order'), entry('r1', 'right_of_reply')];
  const c = scriptedClient({ 'meeting.join': () => ({ state: state(1, moved) }) });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 2, entry: entry('p2', 'point_of_order') });
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 3, entry: entry('q1', 'question') });
  c.emit({ ev: 'queue.added', meeting: 'm1', seq: 4, entry: entry('r2', 'right_of_reply') });
  assert.deepEqual(s.state.queue.map((e) => e.id), ['s1', 'p1', 'p2', 'q1', 'r1', 'r2']);
});

test('meeting.changed carries the meeting object where the envelope has the id', async () => {
  const c = scriptedClient({ 'meeting.join': () => ({ state: state(1) }) });
  const s = new MeetingStore(c, 'm1');
  await s.join('room');
  c.emit({ ev: 'meeting.changed', meeting: { id: 'm1', status: 'cancelled', policy: {} }, seq: 2 });
  c.emit({ ev: 'meeting.changed', meeting: { id: 'm2', status: 'cancelled' }, seq: 3 });
  assert.equal(s.state.meeting.status, 'cancelled');
  assert.equal(s.state.seq, 2);
});
