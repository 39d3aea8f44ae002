// The secretariat console: the whole programme set up and run from the browser,
// from an empty database. Four sections, one at a time (the address's #hash
// says which): delegations (and the 193 Member States loaded from the data
// file), participants (invite links, QR codes, printable cards; reissue,
// revoke, a new calendar key), meetings (create, edit, cancel, the programme
// plan, .ics import) and fair times (schedule.suggest drawn on a time axis).
// Only the secretariat sees it; the server refuses every op here to anyone else.

import { h, render, $ } from '../dom.js';
import { t, onLanguage, formatNumber } from '../i18n.js';
import { boot, announce, errorText } from '../shell.js';
import { inviteLink, takeToken } from '../session.js';
import { groupName, formatRange } from '../fmt.js';
import { loadStates, localName } from '../states.js';
import { loadQr, qrSvg } from '../views/qr.js';
import { meetingsSection } from '../views/console_meetings.js';
import { fairSection } from '../views/fairtimes.js';
import { field, select, roleName, singularKind, GROUPS, DKINDS } from '../views/form.js';

const SECTIONS = ['delegations', 'participants', 'meetings', 'fair'];
const ROLES = ['delegate', 'observer', 'chair', 'viewer', 'secretariat'];
// The dispatcher allows 30 requests a second after a burst of 60: loading the
// States goes at 20 a second, leaving room for everything else.
const PACE_MS = 50;
// Delegations listed before "show all" (the filter finds the others).
const SHOWN = 25;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const ctx = await boot({ page: 'console' });
  if (!ctx) return;
  const { client } = ctx;
  if (client.hello.participant.role !== 'secretariat') {
    render($('#main'), h('section', { class: 'card', 'data-testid': 'not-secretariat' },
      h('h1', {}, t('console.title')), h('p', {}, t('console.only'))));
    onLanguage(() => render($('#main'), h('section', { class: 'card', 'data-testid': 'not-secretariat' },
      h('h1', {}, t('console.title')), h('p', {}, t('console.only')))));
    return;
  }
  const qrcode = await loadQr();
  const states = await loadStates();
  const ui = {
    section: sectionFromHash(), error: null, loading: null,
    editing: null, filter: '', invited: new Map(), printing: null,
    form: { kind: 'organization', group: 'african', tz: 'UTC', name: '' },
    invite: { name: '', role: 'delegate', delegation: '' },
  };
  const data = { delegations: [], participants: [], meetings: [] };

  function sectionFromHash() {
    const s = location.hash.replace('#', '');
    return SECTIONS.includes(s) ? s : 'delegations';
  }

  // meeting.import over HTTP (POST /meetings/import): a calendar file may be
  // larger than the 64 KiB a WebSocket frame carries. The same answer as the op.
  async function importIcs(text, dryRun) {
    try {
      const res = await fetch(`/meetings/import${dryRun ? '?dry_run=1' : ''}`, {
        method: 'POST', body: text,
        headers: { Authorization: `Bearer ${takeToken()}`, 'Content-Type': 'text/calendar' } });
      const reply = await res.json().catch(() => ({ error: { code: 'internal' } }));
      if (!res.ok) throw reply.error || { code: 'internal' };
      ui.error = null;
      return reply;
    } catch (err) {
      ui.error = errorText(err && err.code ? err : { code: 'offline' });
      announce(ui.error, true);
      draw();
      return null;
    }
  }

  async function act(op, args, okMsg) {
    try {
      const reply = await client.request(op, args);
      ui.error = null;
      if (okMsg) announce(okMsg);
      return reply;
    } catch (err) {
      ui.error = errorText(err);
      announce(ui.error, true);
      draw();
      return null;
    }
  }

  async function refresh() {
    const [d, p, m] = await Promise.all([
      client.request('delegation.list', {}), client.request('participant.list', {}), client.request('meeting.list', {})]);
    data.delegations = d.delegations || [];
    data.participants = p.participants || [];
    data.meetings = m.meetings || [];
    draw();
  }

  const delegationById = (id) => data.delegations.find((d) => d.id === id);

  // --- delegations -------------------------------------------------------------

  async function loadMemberStates() {
    const have = new Set(data.delegations.map((d) => d.name.toLowerCase()));
    const missing = (states?.states || []).filter((st) => !have.has(st.name.en.toLowerCase()));
    ui.loading = { done: 0, total: missing.length, failed: 0 };
    draw();
    for (const st of missing) {
      const started = performance.now();
      try {
        await client.request('delegation.create', { name: st.name.en, kind: 'state', tz: st.tz, group: st.group });
      } catch (err) {
        ui.loading.failed++;
        ui.error = errorText(err);
      }
      ui.loading.done++;
      drawProgress();
      await sleep(Math.max(0, PACE_MS - (performance.now() - started)));
    }
    announce(t('console.states_loaded', { n: formatNumber(missing.length - ui.loading.failed) }));
    ui.loading.finished = true;
    await refresh();
  }

  function drawProgress() {
    const bar = $('#states-progress');
    if (bar) { bar.value = ui.loading.done; bar.max = ui.loading.total || 1; }
    const txt = $('#states-progress-text');
    if (txt) txt.textContent = t('console.progress', { done: formatNumber(ui.loading.done), total: formatNumber(ui.loading.total) });
  }

  function statesCard() {
    const l = ui.loading;
    return h('section', { class: 'card' },
      h('h2', {}, t('console.states_title')),
      h('p', {}, t('console.states_help')),
      states ? null : h('p', { class: 'error', role: 'alert' }, t('console.states_missing')),
      h('button', { type: 'button', 'data-testid': 'load-states', 'data-key': 'load-states', disabled: !states || (l && !l.finished),
        onClick: loadMemberStates }, t('console.states_load')),
      l ? h('div', { class: 'progress' },
        h('label', { for: 'states-progress', id: 'states-progress-text' },
          t('console.progress', { done: formatNumber(l.done), total: formatNumber(l.total) })),
        h('progress', { id: 'states-progress', max: l.total || 1, value: l.done, 'data-testid': 'states-progress' }),
        l.finished ? h('p', { role: 'status', 'data-testid': 'states-done' },
          l.total === 0 ? t('console.states_none_missing') : t('console.states_loaded', { n: formatNumber(l.done - l.failed) })) : null) : null);
  }

  function delegationForm() {
    const f = ui.form;
    const isState = f.kind === 'state';
    return h('form', { class: 'card form', 'data-testid': 'delegation-form', onSubmit: async (e) => {
      e.preventDefault();
      const args = { name: f.name.trim(), kind: f.kind, tz: f.tz.trim() };
      if (isState) args.group = f.group;
      if (await act('delegation.create', args, t('console.created', { name: args.name }))) { f.name = ''; await refresh(); }
    } },
    h('h2', {}, t('console.delegation_new')),
    field('d-name', t('console.name'), h('input', { id: 'd-name', 'data-key': 'd-name', required: true, value: f.name, maxlength: 127,
      onInput: (e) => { f.name = e.target.value; } })),
    field('d-kind', t('console.kind'), select('d-kind', DKINDS.map((k) => [k, singularKind(k)]), f.kind, (v) => { f.kind = v; draw(); })),
    isState ? field('d-group', t('console.group'), select('d-group', GROUPS.map((g) => [g, groupName(g)]), f.group, (v) => { f.group = v; })) : null,
    field('d-tz', t('console.tz'), h('input', { id: 'd-tz', 'data-key': 'd-tz', required: true, value: f.tz, list: 'zones', dir: 'ltr',
      onInput: (e) => { f.tz = e.target.value; } })),
    h('button', { type: 'submit', 'data-testid': 'delegation-create' }, t('console.create')));
  }

  function editRow(d) {
    const e = ui.editing;
    return h('tr', { 'data-testid': `delegation-edit-${d.id}` }, h('td', { colspan: 5 },
      h('form', { class: 'inline-form', onSubmit: async (ev) => {
        ev.preventDefault();
        const args = { delegation: d.id, name: e.name.trim(), tz: e.tz.trim() };
        if (d.kind === 'state') args.group = e.group;
        if (await act('delegation.update', args, t('console.saved'))) { ui.editing = null; await refresh(); }
      } },
      field(`e-name-${d.id}`, t('console.name'), h('input', { id: `e-name-${d.id}`, 'data-key': `e-name-${d.id}`, value: e.name, required: true,
        onInput: (ev) => { e.name = ev.target.value; } })),
      field(`e-tz-${d.id}`, t('console.tz'), h('input', { id: `e-tz-${d.id}`, value: e.tz, list: 'zones', dir: 'ltr', required: true,
        onInput: (ev) => { e.tz = ev.target.value; } })),
      d.kind === 'state' ? field(`e-group-${d.id}`, t('console.group'),
        select(`e-group-${d.id}`, GROUPS.map((g) => [g, groupName(g)]), e.group, (v) => { e.group = v; })) : null,
      h('button', { type: 'submit' }, t('save')),
      h('button', { type: 'button', onClick: () => { ui.editing = null; draw(); } }, t('cancel')))));
  }

  function delegationsTable() {
    const q = ui.filter.trim().toLowerCase();
    const rows = data.delegations.filter((d) => !q || d.name.toLowerCase().includes(q) || localName(d.name).toLowerCase().includes(q));
    return h('section', { class: 'card' },
      h('h2', {}, t('console.delegations_list', { n: formatNumber(data.delegations.length) })),
      field('d-filter', t('console.filter'), h('input', { id: 'd-filter', type: 'search', 'data-key': 'd-filter', value: ui.filter,
        onInput: (e) => { ui.filter = e.target.value; draw(); } })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'delegations' },
        h('thead', {}, h('tr', {}, [t('console.name'), t('console.kind'), t('console.group'), t('console.tz'), t('console.actions')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.slice(0, ui.showAll ? rows.length : SHOWN).map((d) => (ui.editing?.id === d.id ? editRow(d) : h('tr', {},
          h('td', {}, h('bdi', {}, localName(d.name))),
          h('td', {}, singularKind(d.kind)),
          h('td', {}, d.group ? groupName(d.group) : ''),
          h('td', {}, d.tz),
          h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': t('console.edit_named', { name: localName(d.name) }),
            onClick: () => { ui.editing = { id: d.id, name: d.name, tz: d.tz, group: d.group || 'african' }; draw(); } }, t('console.edit'))))))))),
      rows.length > SHOWN ? h('button', { type: 'button', 'data-key': 'show-all', 'aria-expanded': String(Boolean(ui.showAll)),
        onClick: () => { ui.showAll = !ui.showAll; draw(); } },
      ui.showAll ? t('console.show_fewer') : t('console.show_all', { n: formatNumber(rows.length) })) : null);
  }

  // --- participants ------------------------------------------------------------

  function inviteForm() {
    const f = ui.invite;
    if (!f.delegation && data.delegations.length) f.delegation = data.delegations[0].id;
    return h('form', { class: 'card form', 'data-testid': 'invite-form', onSubmit: async (e) => {
      e.preventDefault();
      const r = await act('participant.invite', { delegation: f.delegation, name: f.name.trim(), role: f.role },
        t('console.invited', { name: f.name.trim() }));
      if (r) {
        ui.invited.set(r.participant.id, { token: r.token, feed: r.feed });
        ui.printing = r.participant.id;
        f.name = '';
        await refresh();
      }
    } },
    h('h2', {}, t('console.invite')),
    field('i-name', t('console.person'), h('input', { id: 'i-name', 'data-key': 'i-name', required: true, value: f.name, maxlength: 127,
      onInput: (e) => { f.name = e.target.value; } })),
    field('i-role', t('console.role'), select('i-role', ROLES.map((r) => [r, roleName(r)]), f.role, (v) => { f.role = v; })),
    field('i-delegation', t('console.delegation'), select('i-delegation',
      data.delegations.map((d) => [d.id, localName(d.name)]), f.delegation, (v) => { f.delegation = v; })),
    h('button', { type: 'submit', 'data-testid': 'invite' }, t('console.invite_button')));
  }

  /** The invitation: link, QR, and what the printed card lists. */
  function invitationCard(p) {
    const creds = ui.invited.get(p.id);
    const d = delegationById(p.delegation);
    const tz = d?.tz || 'UTC';
    const link = inviteLink(creds.token);
    const upcoming = data.meetings.filter((m) => m.status !== 'cancelled').slice(0, 12);
    return h('section', { class: ['card', 'invitation', ui.printing === p.id && 'print-target'], 'data-testid': `invitation-${p.id}`,
      'aria-labelledby': `inv-${p.id}` },
    h('h2', { id: `inv-${p.id}` }, t('console.invitation_for', { name: p.name })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('console.delegation')), h('dd', {}, h('bdi', {}, localName(d?.name || ''))),
      h('dt', {}, t('console.role')), h('dd', {}, roleName(p.role)),
      h('dt', {}, t('console.link')), h('dd', {}, h('code', { class: 'link', 'data-testid': 'invite-link' }, link))),
    qrcode ? qrSvg(qrcode, link, t('console.qr_label', { name: p.name })) : h('p', { class: 'muted' }, t('schedule.no_qr')),
    creds.feed ? h('p', { class: 'muted' }, t('console.feed_help'), ' ',
      h('code', {}, `${location.origin}/calendar/${creds.feed}.ics`)) : null,
    upcoming.length ? [h('h3', {}, t('console.card_meetings', { tz })),
      h('ul', { class: 'plain' }, upcoming.map((m) => h('li', {}, h('bdi', {}, m.title), ': ', h('bdi', {}, formatRange(m.start_at, m.end_at, tz)))))] : null,
    h('p', { class: 'no-print' },
      h('button', { type: 'button', 'data-testid': `print-${p.id}`, onClick: () => {
        ui.printing = p.id; draw(); window.print();
      } }, t('console.print')),
      h('button', { type: 'button', onClick: () => { ui.invited.delete(p.id); draw(); } }, t('console.hide'))));
  }

  async function credentialAction(op, p, msgKey) {
    if (op === 'participant.revoke' && !window.confirm(t('console.revoke_confirm', { name: p.name }))) return;
    const r = await act(op, { participant: p.id }, t(msgKey, { name: p.name }));
    if (!r) return;
    if (r.token) { ui.invited.set(p.id, { token: r.token, feed: null }); ui.printing = p.id; }
    if (r.feed) ui.rotated = { id: p.id, feed: r.feed };
    await refresh();
  }

  function participantsTable() {
    const sel = ui.participantsOf || '';
    const rows = data.participants.filter((p) => !sel || p.delegation === sel);
    return h('section', { class: 'card' },
      h('h2', {}, t('console.participants_list', { n: formatNumber(rows.length) })),
      field('p-of', t('console.delegation'), select('p-of', [['', t('console.all')], ...data.delegations.map((d) => [d.id, localName(d.name)])],
        sel, (v) => { ui.participantsOf = v; draw(); })),
      ui.rotated ? h('p', { role: 'status', 'data-testid': 'rotated' }, t('console.rotated'), ' ',
        h('code', {}, `${location.origin}/calendar/${ui.rotated.feed}.ics`)) : null,
      h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'participants' },
        h('thead', {}, h('tr', {}, [t('console.person'), t('console.role'), t('console.delegation'), t('console.status'), t('console.actions')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.map((p) => h('tr', { 'data-testid': `participant-${p.id}` },
          h('td', {}, h('bdi', {}, p.name)),
          h('td', {}, roleName(p.role)),
          h('td', {}, h('bdi', {}, localName(delegationById(p.delegation)?.name || p.delegation))),
          h('td', {}, p.active ? t('console.active') : h('span', { class: 'badge danger' }, t('console.revoked'))),
          h('td', { class: 'actions' }, p.id === client.hello.participant.id ? h('span', { class: 'muted' }, t('console.you')) : [
            h('button', { type: 'button', class: 'small', 'data-testid': `reissue-${p.id}`, 'aria-label': t('console.reissue_named', { name: p.name }),
              onClick: () => credentialAction('participant.reissue', p, 'console.reissued') }, t('console.reissue')),
            p.active ? h('button', { type: 'button', class: 'small danger', 'data-testid': `revoke-${p.id}`, 'aria-label': t('console.revoke_named', { name: p.name }),
              onClick: () => credentialAction('participant.revoke', p, 'console.revoked_msg') }, t('console.revoke')) : null,
            h('button', { type: 'button', class: 'small', 'data-testid': `rotate-${p.id}`, 'aria-label': t('console.rotate_named', { name: p.name }),
              onClick: () => credentialAction('participant.feed_rotate', p, 'console.rotated') }, t('console.rotate'))])))))));
  }

  // --- the page ---------------------------------------------------------------

  function tabs() {
    return h('nav', { class: 'tabs', 'aria-label': t('console.sections') },
      SECTIONS.map((s) => h('a', { href: `#${s}`, 'data-testid': `tab-${s}`, 'aria-current': ui.section === s ? 'page' : null }, t(`console.tab_${s}`))));
  }

  function sectionBody() {
    const ctxM = { client, data, act, importIcs, refresh, draw, ui, delegationById };
    switch (ui.section) {
      case 'participants':
        return [inviteForm(), [...ui.invited.keys()].map((id) => data.participants.find((p) => p.id === id))
          .filter(Boolean).map(invitationCard), participantsTable()];
      case 'meetings': return meetingsSection(ctxM);
      case 'fair': return fairSection(ctxM);
      default: return [statesCard(), delegationForm(), delegationsTable()];
    }
  }

  const zones = h('datalist', { id: 'zones' }, (Intl.supportedValuesOf?.('timeZone') || ['UTC']).map((z) => h('option', { value: z })));

  function draw() {
    render($('#main'),
      h('h1', {}, t('console.title')),
      tabs(),
      ui.error ? h('p', { class: 'error', role: 'alert', 'data-testid': 'console-error' }, ui.error) : null,
      h('div', { class: 'console-section', 'data-testid': `section-${ui.section}` }, sectionBody()),
      zones);
  }

  window.addEventListener('hashchange', () => { ui.section = sectionFromHash(); ui.error = null; draw(); $('#main').focus(); });
  onLanguage(draw);
  client.onReady(refresh);
  await refresh();
}

main();
