// The meeting view for every role: the floor and its countdown, the list of
// speakers, "you are next" / "you have the floor" (with a beep, and for a
// remote speaker the "my microphone is on" handover), the request form for
// delegates and observers, and the chair console for the chair.

import { h, render, $ } from '../dom.js';
import { t, onLanguage, formatNumber } from '../i18n.js';
import { boot, param, announce, errorText } from '../shell.js';
import { MeetingStore } from '../store.js';
import { floorPanel, tick, startTicker } from '../views/floor.js';
import { queueList } from '../views/queue.js';
import { requestRules, requestPanel } from '../views/request.js';
import { deadlineNotice, deadlineForm } from '../views/inscription.js';
import { boothPanel, noteSignal, signalNotice, signalCounts } from '../views/signals.js';
import { backButton, backNotice } from '../views/returning.js';
import { itemClockLine, tickItemClock, startItemTicker } from '../views/item_clock.js';
import { channelLinks } from '../views/channels.js';
import { contingentForm } from '../views/groups.js';
import { chairConsole, chairShortcuts, attendancePanel } from '../views/chair.js';
import { itemLabel, speakerLabel } from '../fmt.js';
import { beep } from '../sound.js';
import { ProgrammeStore } from '../programme.js';
import { procedureCard, tickCountdowns } from '../views/procedure.js';
import { videoLinks } from '../views/video.js';
import { Notices, confirmStep } from '../views/notices.js';
import { placeLine, observerLeft, applyLedger, seriesLine, expectedWaitMs } from '../views/info.js';
import { formatAboutMinutes } from '../intl.js';
import { chairDock } from '../views/chair_dock.js';
import { screenLinkPanel } from '../views/screen_link.js';
import { sittingBanner, sittingControls } from '../views/sitting.js';

const ui = { editing: null, drafts: new Map(), request: { chosen: 'statement' }, chair: {}, actionError: null, procs: {}, screen: {} };
const CLOSED_SHOWN = 3; // the meeting's latest results; the rest are on decisions.html

async function main() {
  const meetingId = param('meeting');
  const presence = param('presence') === 'remote' ? 'remote' : 'room';
  const ctx = await boot({ page: 'meeting' });
  if (!ctx) return;
  const { client } = ctx;
  if (!meetingId) { render($('#main'), h('p', { class: 'error' }, t('error.no_meeting'))); return; }
  const store = new MeetingStore(client, meetingId);
  const notices = new Notices(() => draw());
  // The chair's dock is for narrow screens only (a wide one has the console
  // beside the floor): drawn when the width says so, and again when it changes.
  const narrow = matchMedia('(max-width: 700px)');
  narrow.addEventListener('change', () => draw());
  let joinError = null;
  const delegations = new Map();
  // Someone joined whom the last state did not list: get a fresh state (with
  // the attendance list and names) once things settle.
  let refresh = null;
  store.onUnknownPresence = () => {
    clearTimeout(refresh);
    refresh = setTimeout(() => store.join(presence).catch(() => {}), 700);
  };

  const video = videoLinks(client, meetingId, () => draw());
  const me = () => client.hello.participant;
  const myDel = () => client.hello.delegation || {};
  // A delegation holds its places on the list: any of its participants may
  // withdraw or rename them, and all of them see "you have the floor".
  const isMine = (e) => Boolean(e) && ((myDel().id && e.delegation?.id === myDel().id) || e.participant === me().id);
  // Who presides is the server's rule: its state says so for this session.
  const isChair = () => Boolean(store.state?.presides);
  let chairSeen;

  // Room ops name the meeting; procedure ops (but procedure.start) do not.
  async function act(op, args, okMsg) {
    try {
      const reply = await client.request(op, op.startsWith('procedure.') && op !== 'procedure.start' ? args : { meeting: meetingId, ...args });
      ui.actionError = null;
      if (okMsg) announce(okMsg);
      draw();
      return reply || true;
    } catch (err) {
      ui.actionError = errorText(err);
      announce(ui.actionError, true);
      draw();
      return false;
    }
  }

  async function sendSignal(signal) {
    const reply = await act('signal.send', { signal });
    ui.signalSent = reply ? t('signal.sent', { signal: t(`signal.${signal}`) }) : null;
    draw();
  }

  async function submitRequest(args) {
    ui.request.busy = true;
    draw();
    try {
      await client.request('floor.request', { meeting: meetingId, ...args });
      ui.request.error = null;
      ui.request.speaker = undefined; // back to the participant's own name
      ui.request.onBehalf = undefined;
      announce(t('announce.requested'));
    } catch (err) {
      ui.request.error = errorText(err);
    }
    ui.request.busy = false;
    draw();
  }

  function youPanel(st) {
    const f = st.floor;
    if (f && isMine(f.entry)) {
      const remoteCalling = f.phase === 'calling' && f.entry.presence === 'remote';
      return h('section', { class: 'you floor-mine', 'data-testid': 'you-have-floor' },
        h('p', { class: 'big' }, t('you.have_floor')),
        remoteCalling ? [
          h('p', {}, t('you.mic_instructions')),
          h('button', { type: 'button', class: 'primary big', 'data-testid': 'mic-on', 'data-key': 'mic-on',
            onClick: () => act('floor.ready', {}, t('announce.mic_on')) }, t('you.mic_on')),
        ] : null,
        backButton(f, act));
    }
    if (st.queue.length && isMine(st.queue[0])) {
      return h('section', { class: 'you next', 'data-testid': 'you-are-next' }, h('p', { class: 'big' }, t('you.next')),
        st.floor ? h('p', { 'data-testid': 'your-wait' }, t('you.wait', { wait: formatAboutMinutes(expectedWaitMs(st, 0)) })) : null);
    }
    const pos = st.queue.findIndex(isMine);
    if (pos > 0) return placeLine(st, pos);
    return null;
  }

  function header(st) {
    const m = st.meeting || {};
    return h('div', { class: 'meeting-head' },
      h('h1', {}, m.title || '',
        m.status === 'cancelled' ? [' ', h('span', { class: 'badge danger', 'data-testid': 'cancelled' }, t('status.cancelled'))] : null),
      h('p', { class: 'item' }, h('span', { class: 'muted' }, t('meeting.item')), ' ',
        h('strong', { 'data-testid': 'current-item' }, itemLabel(store.currentItem)), ' ',
        h('span', { class: ['badge', st.list_closed ? 'danger' : 'ok'], 'data-testid': 'list-badge' },
          t(st.list_closed ? 'list.closed' : 'list.open'))),
      seriesLine(m),
      h('p', { class: 'links' },
        h('span', { class: 'badge' }, t(presence === 'remote' ? 'meeting.you_remote' : 'meeting.you_room')),
        m.video_url ? h('a', { href: m.video_url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'video' }, t('meeting.video')) : null,
        video.link(),
        h('a', { href: `projector.html?meeting=${encodeURIComponent(meetingId)}` }, t('link.projector')),
        h('a', { href: `stats.html?meeting=${encodeURIComponent(meetingId)}` }, t('link.stats'))),
      channelLinks(m, presence));
  }

  const programme = new ProgrammeStore(client);
  const startProcedure = async (args) => {
    const reply = await act('procedure.start', args); // procedure.started announces it
    if (reply?.procedure) programme.put(reply.procedure);
    return reply;
  };
  const procAct = async (op, args, okMsg) => {
    const reply = await act(op, args, okMsg);
    if (reply?.procedure) programme.put(reply.procedure);
    return reply;
  };

  /** This meeting's decisions by non-objection: the open ones, then the latest results. */
  function decisionsPanel() {
    const { open, closed } = programme.list((p) => p.meeting === meetingId);
    if (!open.length && !closed.length) return null;
    const pctx = { hello: client.hello, tz: client.hello.delegation?.tz, ui: ui.procs, act: procAct, redraw: draw, compact: true };
    return h('section', { class: 'card decisions', 'aria-labelledby': 'decisions-h', 'data-testid': 'meeting-decisions' },
      h('h2', { id: 'decisions-h' }, t('proc.at_meeting')),
      [...open, ...closed.slice(0, CLOSED_SHOWN)].map((p) => procedureCard(p, pctx)),
      h('p', {}, h('a', { href: 'decisions.html' }, t('proc.all_decisions'))));
  }

  function draw() {
    const st = store.state;
    if (!st) {
      render($('#main'), joinError ? h('p', { class: 'error', role: 'alert' }, joinError) : h('p', { class: 'loading' }, t('loading')));
      return;
    }
    const role = me().role;
    const chair = isChair();
    // The signed link: for whoever joins remotely, and for whoever presides (a moderator's).
    video.want(st.meeting, role !== 'viewer' && (presence === 'remote' || chair));
    const qctx = {
      queue: st.queue, isChair: chair, isMine, editing: ui.editing, drafts: ui.drafts, act, confirm: confirmEntry,
      setEditing: (id) => {
        ui.editing = id; draw();
        if (id) $(`#name-${CSS.escape(id)}`)?.focus();
      },
    };
    const parts = [
      header(st),
      // Suspending is the chair's call at any moment: at the top, on every screen.
      chair ? sittingControls({ state: st, act, confirm: confirmStep }) : null,
      sittingBanner(st),
      notices.list(),
      youPanel(st),
      decisionsPanel(),
      h('p', { class: 'error', role: 'alert', 'data-testid': 'action-error', hidden: !ui.actionError }, ui.actionError || ''),
      h('div', { class: 'grid' },
        h('section', { class: 'card', 'aria-labelledby': 'floor-h' },
          h('h2', { id: 'floor-h' }, t('floor.title')), floorPanel(st.floor),
          chair || isMine(st.floor?.entry) ? signalNotice(ui) : null,
          chair ? signalCounts(ui, st.floor) : null,
          chair ? backNotice(st.floor, speakerLabel(st.floor?.entry || {})) : null),
        h('section', { class: 'card', 'aria-labelledby': 'queue-h' },
          h('h2', { id: 'queue-h' }, t('queue.title'), ' ', h('span', { class: 'count' }, `(${formatNumber(st.queue.length)})`)),
          deadlineNotice(st), chair ? deadlineForm(st, ui.chair, act) : null,
          chair ? itemClockLine(st) : null,
          chair ? contingentForm(st, ui.chair, act) : null,
          queueList(qctx)),
        (role === 'delegate' || role === 'observer') && (st.sitting || 'open') !== 'open'
          ? h('section', { class: 'card' }, h('p', { class: 'notice', 'data-testid': 'request-sitting' }, t(`sitting.${st.sitting}_help`)))
          : role === 'delegate' || role === 'observer'
          ? h('section', { class: 'card' }, requestPanel(requestRules({
            state: st, policy: store.policy, hello: client.hello, currentItem: store.currentItem, items: st.items,
            groups: ui.groups,
          }), ui.request, client.hello, store.currentItem, submitRequest, draw), observerLeft(st, store.policy, client.hello, store.currentItem))
          : null,
        role === 'interpreter' ? boothPanel(ui, sendSignal) : null,
        chair ? chairConsole({ state: st, ui: ui.chair, act, nextItem: store.nextItem, delegations, startProcedure, openItem }) : null),
      chair ? attendancePanel(st.attendance, delegations) : null,
      chair ? screenLinkPanel({ state: st, ui: ui.screen, act, redraw: draw }) : null,
      chair && narrow.matches ? chairDock({ state: st, act }) : null,
    ];
    render($('#main'), ...parts);
    document.body.classList.toggle('has-dock', chair && narrow.matches);
    tick($('#main'), st.floor);
    tickItemClock($('#main'), st);
    tickCountdowns($('#main'));
    if (st.meeting?.title) document.title = `${st.meeting.title} — ${t('title.meeting')}`;
  }

  /** Withdraw and remove cannot be undone: say what happens, and ask. */
  function confirmEntry(what, e, pos) {
    const name = speakerLabel(e);
    return what === 'withdraw'
      ? confirmStep({ title: t('confirm.withdraw_title'), body: t('confirm.withdraw_body', { pos: pos + 1 }), confirm: t('queue.withdraw'), danger: true })
      : confirmStep({ title: t('confirm.remove_title', { name }), body: t('confirm.remove_body', { name }), confirm: t('queue.remove'), danger: true });
  }

  /** Opening another item while requests wait: they stay on their item's list; say so first. */
  async function openItem(item) {
    const st = store.state;
    const waiting = st.queue.length;
    if (waiting && !(await confirmStep({
      title: t('confirm.item_title', { item: item.title }),
      body: t('confirm.item_body', { n: waiting, item: itemLabel(store.currentItem) }),
      confirm: t('chair.open'),
    }))) return false;
    return act('item.open', { item: item.id });
  }

  /** Notices for what the chair did that concerns this page's reader (not the chair's own page). */
  function noticeFor(s, cause, ev, before) {
    if (isChair()) return;
    if (cause === 'queue.removed' && ev.reason === 'removed' && isMine(ev.entry)) {
      notices.push(t('notice.removed', { name: speakerLabel(ev.entry) }), 'warn');
    } else if (cause === 'queue.closed') notices.push(t('notice.list_closed', { item: itemLabel(s.currentItem) }), 'warn');
    else if (cause === 'queue.opened') notices.push(t('notice.list_opened', { item: itemLabel(s.currentItem) }));
    else if (cause === 'meeting.suspended' || cause === 'meeting.resumed' || cause === 'meeting.closed') {
      notices.push(t(`notice.${cause.slice(8)}`), cause === 'meeting.resumed' ? 'info' : 'warn');
    }
    else if (cause === 'item') {
      const mine = before.queue.filter(isMine).length;
      notices.push(t(mine ? 'notice.item_mine' : 'notice.item', { item: itemLabel(s.currentItem), before: itemLabel(before.item) }));
    }
  }

  // What the list and item were before each event, for the notices.
  let before = { queue: [], item: null };
  store.subscribe((s, cause, ev) => {
    if (ev && s.state) applyLedger(s.state, ev, myDel().id);
    // Another item has its own ledger: a new join brings it.
    if (cause === 'item' && s.state.ledger) store.join(presence).catch(() => {});
    if (ev) noticeFor(s, cause, ev, before);
    before = { queue: s.state.queue.slice(), item: s.currentItem };
  });

  // Floor announcements and the beep: compare with the floor we had before.
  let prev = null;
  store.subscribe((s, cause, ev) => {
    const f = s.state.floor;
    if (cause === 'floor.changed' || cause === 'state') {
      const was = prev;
      if (cause === 'floor.changed') {
        if (!f) announce(t('announce.floor_free'));
        else if (!was || was.entry?.id !== f.entry?.id) {
          announce(t(f.phase === 'calling' ? 'announce.calling' : 'announce.has_floor', { name: speakerLabel(f.entry) }));
        } else if (was.phase === 'calling' && f.phase === 'speaking') announce(t('announce.has_floor', { name: speakerLabel(f.entry) }));
        else if (!was.paused && f.paused) announce(t('announce.paused'));
        else if (was.paused && !f.paused) announce(t('announce.resumed'));
        else if ((f.allotted_ms || 0) > (was.allotted_ms || 0)) announce(t('announce.extended_to', { name: speakerLabel(f.entry) }));
      }
      if (f && isMine(f.entry) && (!was || was.entry?.id !== f.entry?.id)) {
        beep();
        announce(t('you.have_floor'), true);
      }
      prev = f ? { ...f } : null;
    } else if (cause === 'floor.expired') announce(t('announce.expired'));
    else if (cause === 'signal') {
      noteSignal(ui, ev);
      announce(t('signal.from_booth', { signal: t(`signal.${ev.signal}`), language: ev.from?.language || '' }), true);
    }
    else if (cause === 'item') announce(t('announce.item', { item: itemLabel(s.currentItem) }));
    else if (cause === 'queue.closed') announce(t('list.closed'));
    else if (cause === 'queue.opened') announce(t('list.open'));
    else if (cause === 'queue.removed' && isMine(ev.entry) && ev.reason === 'removed') announce(t('announce.removed_by_chair'), true);
    // A new chair named by meeting.update: a new join says whether this
    // session now presides, and brings the attendance if it does.
    if (cause === 'meeting.changed' && (s.state.meeting?.chair || '') !== chairSeen) {
      chairSeen = s.state.meeting?.chair || '';
      store.join(presence).catch(() => {});
    }
    if (ui.editing && !s.state.queue.some((e) => e.id === ui.editing)) ui.editing = null;
    draw();
  });

  // The groups a delegate may speak for (issue 14): read once a join.
  async function loadGroups() {
    if (client.hello?.participant?.role !== 'delegate') return;
    try {
      ui.groups = (await client.request('group.list', {})).groups || [];
      draw();
    } catch { /* the regional group is still offered */ }
  }

  client.onReady(async () => {
    try {
      await store.join(presence);
      chairSeen = store.state?.meeting?.chair || '';
      joinError = null;
      loadGroups();
      if (isChair() && delegations.size === 0) {
        const reply = await client.request('delegation.list', {});
        for (const d of reply.delegations || []) delegations.set(d.id, d);
        draw();
      }
    } catch (err) {
      joinError = errorText(err);
      draw();
    }
  });
  programme.subscribe((pr, cause, ev) => {
    const p = pr.procedures.get(ev?.procedure?.id || ev?.procedure);
    if (p?.meeting === meetingId) {
      if (cause === 'procedure.started') announce(t('proc.announce_asked', { title: p.title }));
      else if (cause === 'procedure.closed') announce(t(ev.result === 'adopted' ? 'proc.announce_adopted' : 'proc.announce_failed', { title: p.title }));
    }
    draw();
  });
  setInterval(() => tickCountdowns($('#main')), 1000);
  startItemTicker(() => $('#main'), () => store.state);
  client.onStatus((st) => { if (st === 'offline') draw(); });
  onLanguage(draw);
  chairShortcuts(() => (store.state && isChair() ? { state: store.state, act } : null));
  startTicker(() => $('#main'), () => store.state?.floor);
  draw();
}

main();
