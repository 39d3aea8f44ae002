// The projector view for the screen in the room: the current speaker, their
// State and the clock large, the next five, the item and whether the list is
// open. It sends nothing but hello and meeting.join: read-only by
// construction. It is opened with the meeting's screen link
// (#screen=..., issued by the chair), which shows only what the room may
// see and needs no participant; a participant's own session works too. Its
// header names no one and has no picker: ?lang=ar sets the language.

import { h, render, $ } from '../dom.js';
import { t, onLanguage, setLanguage, LANGUAGES, formatNumber } from '../i18n.js';
import { boot, param, errorText } from '../shell.js';
import { takeToken, takeScreenToken, forgetScreenToken } from '../session.js';
import { MeetingStore } from '../store.js';
import { floorPanel, tick, startTicker } from '../views/floor.js';
import { queueList } from '../views/queue.js';
import { itemLabel } from '../fmt.js';
import { deadlineNotice } from '../views/inscription.js';
import { itemClockLine, tickItemClock, startItemTicker } from '../views/item_clock.js';
import { sittingBanner } from '../views/sitting.js';

async function main() {
  const meetingId = param('meeting');
  const screenToken = meetingId ? takeScreenToken(meetingId) : null;
  const ctx = await boot({
    page: 'projector', links: [], bare: true,
    takeToken: () => screenToken || takeToken(),
    refused: { title: 'projector.refused_title', body: 'projector.refused_body' },
  });
  if (!ctx) {
    if (screenToken) forgetScreenToken(meetingId); // revoked or replaced: ask for the new link
    return;
  }
  const lang = param('lang');
  if (lang && LANGUAGES.some((l) => l.code === lang)) await setLanguage(lang, false);
  const { client } = ctx;
  if (!meetingId) { render($('#main'), h('p', { class: 'error' }, t('error.no_meeting'))); return; }
  const store = new MeetingStore(client, meetingId);
  let joinError = null;

  function draw() {
    const st = store.state;
    if (!st) {
      render($('#main'), h('p', { class: joinError ? 'error' : 'loading' }, joinError || t('loading')));
      return;
    }
    render($('#main'),
      h('div', { class: 'proj-head' },
        h('h1', {}, st.meeting?.title || ''),
        h('p', { class: 'item', 'data-testid': 'current-item' }, itemLabel(store.currentItem)),
        itemClockLine(st),
        h('p', { class: ['badge', 'big', st.list_closed ? 'danger' : 'ok'], 'data-testid': 'list-badge' },
          t(st.list_closed ? 'list.closed' : 'list.open')),
        deadlineNotice(st)),
      sittingBanner(st),
      h('section', { class: 'proj-floor', 'aria-label': t('floor.title') }, floorPanel(st.floor, { bigDelegation: true })),
      h('section', { class: 'proj-next', 'aria-labelledby': 'next-h' },
        h('h2', { id: 'next-h' }, t('projector.next'), st.queue.length > 5 ? ` (${formatNumber(st.queue.length)})` : ''),
        queueList({ queue: st.queue, limit: 5, readOnly: true, isMine: () => false, testid: 'next-five' })));
    tick($('#main'), st.floor);
    tickItemClock($('#main'), st);
    if (st.meeting?.title) document.title = `${st.meeting.title} — ${t('title.projector')}`;
  }

  store.subscribe(draw);
  client.onReady(async () => {
    try { await store.join('screen'); joinError = null; } catch (err) { joinError = errorText(err); draw(); }
  });
  onLanguage(draw);
  startTicker(() => $('#main'), () => store.state?.floor);
  startItemTicker(() => $('#main'), () => store.state);
  draw();
}

main();
