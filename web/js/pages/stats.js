// Speaking statistics of a meeting (meeting.stats): time by delegation, by
// regional group, in the room versus remote, and by kind of intervention.

import { h, render, $ } from '../dom.js';
import { t, onLanguage } from '../i18n.js';
import { boot, param, showError } from '../shell.js';
import { barChart } from '../views/chart.js';
import { groupName, presenceName, anyKindName, formatDuration } from '../fmt.js';
import { formatNumber } from '../i18n.js';

async function main() {
  const ctx = await boot({ page: 'stats' });
  if (!ctx) return;
  const { client } = ctx;
  let meetingId = param('meeting');
  let meetings = [];
  let stats = null;
  let error = null;
  // by_delegation may be keyed by delegation id: names come from delegation.list.
  const delegations = new Map();
  const delegationName = (k) => delegations.get(k)?.name || k;

  async function loadStats() {
    if (!meetingId) return;
    try {
      stats = await client.request('meeting.stats', { meeting: meetingId });
      error = null;
    } catch (e) { stats = null; error = e; }
    draw();
  }

  function picker() {
    return h('form', { class: 'inline', onSubmit: (ev) => ev.preventDefault() },
      h('label', { for: 'stats-meeting' }, t('stats.meeting')),
      h('select', { id: 'stats-meeting', 'data-key': 'stats-meeting', onChange: (e) => {
        meetingId = e.target.value;
        history.replaceState(null, '', `?meeting=${encodeURIComponent(meetingId)}`);
        loadStats();
      } },
      meetingId ? null : h('option', { value: '' }, '—'),
      meetings.map((m) => h('option', { value: m.id, selected: m.id === meetingId }, m.title))));
  }

  // Totals from the by_presence rows (every speech is in the room or remote),
  // and the record of speeches as CSV when the participant has a feed key.
  function summary() {
    const rows = stats.by_presence || [];
    const count = rows.reduce((n, r) => n + (r.count || 0), 0);
    const ms = rows.reduce((n, r) => n + (r.spoken_ms || 0), 0);
    const feed = client.hello.feed;
    return h('p', { class: 'lead', 'data-testid': 'stats-total' },
      t('stats.total', { n: formatNumber(count), time: formatDuration(ms) }),
      feed && meetingId ? [' ', h('a', { href: `/meetings/${encodeURIComponent(meetingId)}/record.csv?feed=${encodeURIComponent(feed)}`,
        download: `record-${meetingId}.csv`, 'data-testid': 'record-csv' }, t('stats.record')),
      ' ', h('a', { href: `/meetings/${encodeURIComponent(meetingId)}/record.data.csv?feed=${encodeURIComponent(feed)}`,
        download: `record-${meetingId}-data.csv`, 'data-testid': 'record-data-csv' }, t('stats.record_data'))] : null);
  }

  function draw() {
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    showError(err, error);
    render($('#main'),
      h('h1', {}, t('stats.title')),
      picker(),
      err,
      stats ? summary() : null,
      stats ? h('div', { class: 'charts' },
        barChart({ id: 'delegation', title: t('stats.by_delegation'), rows: (stats.by_delegation || []).map((r) => ({ ...r, label: r.name })), label: delegationName }),
        barChart({ id: 'group', title: t('stats.by_group'), rows: stats.by_group, label: (k) => (k ? groupName(k) : t('stats.no_group')) }), // observers: their kind
        barChart({ id: 'presence', title: t('stats.by_presence'), rows: stats.by_presence, label: presenceName }),
        barChart({ id: 'kind', title: t('stats.by_kind'), rows: stats.by_kind, label: anyKindName }))
        : meetingId && !error ? h('p', { class: 'loading' }, t('loading')) : null);
  }

  client.onReady(async () => {
    try {
      const reply = await client.request('meeting.list', {});
      meetings = reply.meetings || [];
      if (!meetingId && meetings.length) meetingId = meetings[0].id;
      const dl = await client.request('delegation.list', {});
      for (const d of dl.delegations || []) delegations.set(d.id, d);
    } catch (e) { error = e; }
    await loadStats();
    draw();
  });
  onLanguage(draw);
  draw();
}

main();
