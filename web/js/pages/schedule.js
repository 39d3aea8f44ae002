// The schedule: the participant's meetings at their delegation's local time and
// at the meeting's own, the calendar feed (webcal:// subscribe and .ics
// download), and a QR code of the invite link for a phone in the room. The QR
// encoder is the vendored npm package qrcode-generator (web/vendor/qrcode.js);
// without it the page shows the link alone.

import { h, render, $ } from '../dom.js';
import { t, onLanguage } from '../i18n.js';
import { boot, showError } from '../shell.js';
import { inviteLink } from '../session.js';
import { formatRange, formatName, pillarName } from '../fmt.js';
import { loadQr, qrSvg } from '../views/qr.js';

function meetingRow(m, myTz) {
  return h('li', { class: ['card', m.status === 'cancelled' && 'cancelled'] },
    h('h2', {}, m.title, m.status === 'cancelled' ? h('span', { class: 'badge danger' }, t('status.cancelled')) : null),
    h('dl', { class: 'times' },
      myTz ? [h('dt', {}, t('schedule.your_time', { tz: myTz })), h('dd', { 'data-testid': 'time-mine' }, formatRange(m.start_at, m.end_at, myTz))] : null,
      h('dt', {}, t('schedule.meeting_time', { tz: m.tz })), h('dd', { 'data-testid': 'time-meeting' }, formatRange(m.start_at, m.end_at, m.tz))),
    h('p', { class: 'tags' },
      m.format ? h('span', { class: 'badge' }, formatName(m.format)) : null,
      m.pillar ? h('span', { class: 'badge' }, pillarName(m.pillar)) : null,
      m.location ? h('span', { class: 'muted' }, m.location) : null,
      m.video_url ? h('a', { href: m.video_url, target: '_blank', rel: 'noopener noreferrer' }, t('meeting.video')) : null));
}

async function main() {
  const ctx = await boot({ page: 'schedule' });
  if (!ctx) return;
  const { client, token } = ctx;
  let meetings = null;
  let error = null;
  let showQr = false;
  const qrcode = await loadQr();

  function feedBlock() {
    const feed = client.hello.feed;
    if (!feed) return null;
    const path = `/calendar/${encodeURIComponent(feed)}.ics`;
    return h('section', { class: 'card' },
      h('h2', {}, t('schedule.calendar')),
      h('p', {}, t('schedule.calendar_help')),
      h('p', { class: 'actions' },
        h('a', { class: 'button primary', href: `webcal://${location.host}${path}`, 'data-testid': 'webcal' }, t('schedule.subscribe')),
        h('a', { class: 'button', href: path, download: 'plenary.ics', 'data-testid': 'ics' }, t('schedule.download'))));
  }

  function qrBlock() {
    const link = inviteLink(token);
    return h('section', { class: 'card' },
      h('h2', {}, t('schedule.phone')),
      h('p', {}, t('schedule.phone_help')),
      h('button', { type: 'button', 'aria-expanded': String(showQr), 'data-key': 'qr-toggle', 'data-testid': 'qr-toggle',
        onClick: () => { showQr = !showQr; draw(); } }, t(showQr ? 'schedule.hide_qr' : 'schedule.show_qr')),
      showQr ? h('div', { class: 'qrbox' },
        qrcode ? qrSvg(qrcode, link, t('schedule.qr_label')) : h('p', { class: 'muted' }, t('schedule.no_qr')),
        h('p', { class: 'link' }, h('code', {}, link))) : null);
  }

  function draw() {
    const myTz = client.hello.delegation?.tz;
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    showError(err, error);
    render($('#main'),
      h('h1', {}, t('schedule.title')),
      err,
      h('div', { class: 'grid' },
        h('div', {}, meetings === null ? h('p', { class: 'loading' }, t('loading'))
          : meetings.length ? h('ul', { class: 'meetings' }, meetings.map((m) => meetingRow(m, myTz))) : h('p', {}, t('home.none'))),
        h('div', {}, feedBlock(), qrBlock())));
  }

  client.onReady(async () => {
    try {
      const reply = await client.request('meeting.list', {});
      meetings = (reply.meetings || []).slice().sort((a, b) => (a.start_at || 0) - (b.start_at || 0));
      error = null;
    } catch (e) { error = e; }
    draw();
  });
  onLanguage(draw);
  draw();
}

main();
