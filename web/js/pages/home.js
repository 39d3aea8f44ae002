// The landing page: hello, then the participant's meetings with "join in the
// room" and "join remotely".

import { h, render, $ } from '../dom.js';
import { t, onLanguage } from '../i18n.js';
import { boot, showError } from '../shell.js';
import { formatRange, formatName, pillarName } from '../fmt.js';

function meetingCard(m, hello) {
  const myTz = hello.delegation?.tz;
  const cancelled = m.status === 'cancelled';
  const href = (presence) => `meeting.html?meeting=${encodeURIComponent(m.id)}&presence=${presence}`;
  const joins = [];
  if (!cancelled) {
    if (m.format !== 'virtual') joins.push(h('a', { class: 'button primary', href: href('room'), 'data-testid': 'join-room' }, t('join.room')));
    if (m.format !== 'in_person') joins.push(h('a', { class: 'button', href: href('remote'), 'data-testid': 'join-remote' }, t('join.remote')));
  }
  return h('li', { class: ['card meeting', cancelled && 'cancelled'], 'data-meeting': m.id },
    h('h2', {}, m.title, cancelled ? h('span', { class: 'badge danger' }, t('status.cancelled')) : null),
    h('p', { class: 'when' }, formatRange(m.start_at, m.end_at, myTz || m.tz),
      myTz && myTz !== m.tz ? h('span', { class: 'muted' }, ` (${myTz})`) : null),
    myTz && myTz !== m.tz ? h('p', { class: 'when muted' }, formatRange(m.start_at, m.end_at, m.tz), ` (${m.tz})`) : null,
    h('p', { class: 'tags' },
      m.format ? h('span', { class: 'badge' }, formatName(m.format)) : null,
      m.pillar ? h('span', { class: 'badge' }, pillarName(m.pillar)) : null,
      m.location ? h('span', { class: 'muted' }, m.location) : null),
    h('div', { class: 'actions' }, joins,
      h('a', { class: 'button subtle', href: `projector.html?meeting=${encodeURIComponent(m.id)}` }, t('link.projector')),
      h('a', { class: 'button subtle', href: `stats.html?meeting=${encodeURIComponent(m.id)}` }, t('link.stats'))));
}

async function main() {
  const ctx = await boot({ page: 'home' });
  if (!ctx) return;
  const { client } = ctx;
  let meetings = null;
  let error = null;
  let reminder = null; // this State's national report, when due or overdue
  const loadReminder = async () => {
    try {
      const mine = (await client.request('report.status', {})).mine;
      reminder = mine && mine.reminder ? mine : null;
    } catch { reminder = null; }
    draw();
  };
  const draw = () => {
    const hello = client.hello;
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    showError(err, error);
    render($('#main'),
      h('h1', {}, t('home.title')),
      h('p', { class: 'lead' }, t('home.welcome', { name: hello.participant.name })),
      h('p', { class: 'muted', 'data-testid': 'session-note' }, t('session.note')),
      hello.participant.role === 'secretariat' ? h('p', { class: 'card console-link' }, t('home.console_help'), ' ',
        h('a', { href: 'console.html', 'data-testid': 'console-link' }, t('home.console'))) : null,
      reminder ? h('p', { class: 'card banner', role: 'status', 'data-testid': 'report-reminder' },
        t(`portal.remind_${reminder.reminder}`, { year: String(reminder.due_year) }), ' ',
        h('a', { href: 'portal.html' }, t('nav.portal'))) : null,
      err,
      meetings === null ? h('p', { class: 'loading' }, t('loading'))
        : meetings.length === 0 ? h('p', {}, t('home.none'))
          : h('ul', { class: 'meetings' }, meetings.map((m) => meetingCard(m, hello))));
  };
  client.onEvent((ev) => { if (ev.ev === 'report.reminder') loadReminder(); });
  client.onReady(async () => {
    loadReminder();
    try {
      const reply = await client.request('meeting.list', {});
      meetings = (reply.meetings || []).slice().sort((a, b) => (a.start_at || 0) - (b.start_at || 0));
      error = null;
    } catch (e) {
      error = e;
    }
    draw();
  });
  onLanguage(draw);
  draw();
}

main();
