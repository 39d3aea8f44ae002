// The console's meetings: the list with filters (kind, pillar, month) and each
// meeting's status and revision; the form that creates or edits one (agenda
// items added, removed, reordered, marked as the stakeholder segment; every
// field of the speaking policy, defaults shown); cancelling; programme.plan as
// a form; an .ics file imported with meeting.import (POSTed: files outgrow a frame).

import { h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { formatRange, formatName, pillarName, instantToZoned } from '../fmt.js';
import { localName } from '../states.js';
import { field, select } from './form.js';

const KINDS = ['review_conference', 'annual_meeting', 'thematic', 'other'];
const FORMATS = ['in_person', 'hybrid', 'virtual'];
const PILLARS = ['cooperation', 'cbm', 'capacity_building', 'norms', 'international_law', 'threat_assessment'];
// Contract section 5: the defaults the server fills in.
export const POLICY_DEFAULTS = {
  statement_s: 300, group_statement_s: 420, observer_statement_s: 180, point_of_order_s: 120,
  reply_s: [300, 180], observer_items: 'stakeholder', observer_max_per_item: 1, on_expiry: 'warn',
};
const SECONDS = ['statement_s', 'group_statement_s', 'observer_statement_s', 'point_of_order_s'];

const kindLabel = (k) => t(`console.mkind_${k}`);

function blankMeeting() {
  return {
    id: null, title: '', kind: 'other', format: 'hybrid', tz: 'Europe/Zurich', start: '', end: '', rrule: '',
    pillar: '', location: '', video_url: '', chair: '', policy: { ...POLICY_DEFAULTS, reply_s: [...POLICY_DEFAULTS.reply_s] },
    items: [{ title: t('console.item_general'), kind: 'general' }],
  };
}

function fromMeeting(m) {
  return {
    id: m.id, title: m.title, kind: m.kind, format: m.format, tz: m.tz, start: m.start, end: m.end, rrule: m.rrule || '',
    pillar: m.pillar || '', location: m.location || '', video_url: m.video_url || '', chair: m.chair || '',
    policy: { ...POLICY_DEFAULTS, ...(m.policy || {}) }, items: (m.items || []).map((i) => ({ title: i.title, kind: i.kind })),
  };
}

/** The request's arguments: optional fields only when given. */
function args(f) {
  const a = { title: f.title.trim(), kind: f.kind, format: f.format, tz: f.tz.trim(), start: f.start, end: f.end,
    policy: f.policy, items: f.items.map((i) => ({ title: i.title.trim(), kind: i.kind })) };
  for (const k of ['rrule', 'pillar', 'location', 'video_url', 'chair']) if (f[k].trim?.() || f[k]) a[k] = f[k].trim();
  return a;
}

function itemsEditor(f, draw) {
  const move = (i, d) => { const [it] = f.items.splice(i, 1); f.items.splice(i + d, 0, it); draw(); };
  return h('fieldset', { class: 'agenda-edit' },
    h('legend', {}, t('console.agenda')),
    h('ol', {}, f.items.map((it, i) => h('li', { class: 'item-row', 'data-testid': `item-${i}` },
      field(`it-title-${i}`, t('console.item_title', { n: i + 1 }), h('input', { id: `it-title-${i}`, 'data-key': `it-title-${i}`, value: it.title,
        required: true, onInput: (e) => { it.title = e.target.value; } })),
      h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `it-stake-${i}`, 'data-key': `it-stake-${i}`, checked: it.kind === 'stakeholder',
        onChange: (e) => { it.kind = e.target.checked ? 'stakeholder' : 'general'; } }),
      h('label', { for: `it-stake-${i}` }, t('console.item_stakeholder'))),
      h('button', { type: 'button', class: 'small', disabled: i === 0, 'aria-label': t('console.item_up', { n: i + 1 }), onClick: () => move(i, -1) }, '↑'),
      h('button', { type: 'button', class: 'small', disabled: i === f.items.length - 1, 'aria-label': t('console.item_down', { n: i + 1 }), onClick: () => move(i, 1) }, '↓'),
      h('button', { type: 'button', class: 'small danger', disabled: f.items.length === 1, 'aria-label': t('console.item_remove', { n: i + 1 }),
        onClick: () => { f.items.splice(i, 1); draw(); } }, '×')))),
    h('button', { type: 'button', 'data-testid': 'item-add', onClick: () => { f.items.push({ title: '', kind: 'general' }); draw(); } }, t('console.item_add')));
}

function policyEditor(p) {
  const num = (k, min = 0) => field(`pol-${k}`, t(`console.pol_${k}`), h('input', { id: `pol-${k}`, type: 'number', min, 'data-key': `pol-${k}`,
    value: p[k], required: true, onInput: (e) => { p[k] = Number(e.target.value); } }), t('console.default', { v: POLICY_DEFAULTS[k] }));
  return h('fieldset', { class: 'policy' },
    h('legend', {}, t('console.policy')),
    SECONDS.map((k) => num(k, 1)),
    field('pol-reply_s', t('console.pol_reply_s'), h('input', { id: 'pol-reply_s', 'data-key': 'pol-reply_s', dir: 'ltr', value: p.reply_s.join(', '),
      pattern: '\\s*\\d+(\\s*,\\s*\\d+)*\\s*', onInput: (e) => { p.reply_s = e.target.value.split(',').map((x) => Number(x.trim())).filter((x) => x > 0); } }),
    t('console.default', { v: POLICY_DEFAULTS.reply_s.join(', ') })),
    field('pol-observer_items', t('console.pol_observer_items'), select('pol-observer_items',
      ['stakeholder', 'any', 'none'].map((v) => [v, t(`console.obs_${v}`)]), p.observer_items, (v) => { p.observer_items = v; }),
    t('console.default', { v: t('console.obs_stakeholder') })),
    num('observer_max_per_item', 0),
    field('pol-on_expiry', t('console.pol_on_expiry'), select('pol-on_expiry', ['warn', 'cut'].map((v) => [v, t(`console.expiry_${v}`)]),
      p.on_expiry, (v) => { p.on_expiry = v; }), t('console.default', { v: t('console.expiry_warn') })));
}

function meetingForm(c) {
  const { ui, data, act, refresh, draw } = c;
  const f = ui.meeting || (ui.meeting = blankMeeting());
  const text = (k, label, attrs = {}) => field(`m-${k}`, label, h('input', { id: `m-${k}`, 'data-key': `m-${k}`, value: f[k],
    onInput: (e) => { f[k] = e.target.value; }, ...attrs }));
  const chairs = data.participants.filter((p) => p.active && ['chair', 'secretariat', 'delegate'].includes(p.role));
  return h('form', { class: 'card form', 'data-testid': 'meeting-form', onSubmit: async (e) => {
    e.preventDefault();
    const a = args(f);
    const r = f.id ? await act('meeting.update', { meeting: f.id, ...a }, t('console.saved'))
      : await act('meeting.create', a, t('console.created', { name: a.title }));
    if (r) { ui.meeting = null; await refresh(); }
  } },
  h('h2', {}, f.id ? t('console.meeting_edit', { title: f.title }) : t('console.meeting_new')),
  h('div', { class: 'form-grid' },
    text('title', t('console.title_field'), { required: true, maxlength: 199 }),
    field('m-kind', t('console.kind'), select('m-kind', KINDS.map((k) => [k, kindLabel(k)]), f.kind, (v) => { f.kind = v; })),
    field('m-format', t('console.format'), select('m-format', FORMATS.map((k) => [k, formatName(k)]), f.format, (v) => { f.format = v; })),
    text('tz', t('console.tz'), { required: true, list: 'zones', dir: 'ltr' }),
    text('start', t('console.start'), { type: 'datetime-local', required: true }),
    text('end', t('console.end'), { type: 'datetime-local', required: true }),
    field('m-pillar', t('console.pillar'), select('m-pillar', [['', t('console.none')], ...PILLARS.map((k) => [k, pillarName(k)])], f.pillar, (v) => { f.pillar = v; })),
    field('m-chair', t('console.chair'), select('m-chair', [['', t('console.chair_none')],
      ...chairs.map((p) => [p.id, `${p.name} (${localName(c.delegationById(p.delegation)?.name || '')})`])], f.chair, (v) => { f.chair = v; })),
    text('location', t('console.location'), { maxlength: 199 }),
    text('video_url', t('console.video'), { type: 'url', dir: 'ltr' }),
    field('m-rrule', t('console.rrule'), h('input', { id: 'm-rrule', 'data-key': 'm-rrule', dir: 'ltr', value: f.rrule, placeholder: 'FREQ=WEEKLY;COUNT=4',
      'aria-describedby': 'm-rrule-hint', onInput: (e) => { f.rrule = e.target.value; } }), t('console.rrule_help'))),
  itemsEditor(f, draw),
  policyEditor(f.policy),
  h('p', {},
    h('button', { type: 'submit', 'data-testid': 'meeting-save' }, f.id ? t('save') : t('console.create')),
    f.id ? h('button', { type: 'button', onClick: () => { ui.meeting = null; draw(); } }, t('cancel')) : null));
}

function planForm(c) {
  const p = c.ui.plan || (c.ui.plan = { first_year: new Date().getFullYear() + 1, years: 4, tz: 'Europe/Zurich', location: '' });
  return h('form', { class: 'card form', 'data-testid': 'plan-form', onSubmit: async (e) => {
    e.preventDefault();
    const a = { first_year: Number(p.first_year), years: Number(p.years), tz: p.tz.trim() };
    if (p.location.trim()) a.location = p.location.trim();
    const r = await c.act('programme.plan', a);
    if (r) { c.ui.planned = r.meetings.length; await c.refresh(); }
  } },
  h('h2', {}, t('console.plan')),
  h('p', {}, t('console.plan_help')),
  h('div', { class: 'form-grid' },
    field('pl-first', t('console.first_year'), h('input', { id: 'pl-first', type: 'number', min: 2000, max: 2200, value: p.first_year, required: true,
      onInput: (e) => { p.first_year = e.target.value; } })),
    field('pl-years', t('console.years'), h('input', { id: 'pl-years', type: 'number', min: 1, max: 40, value: p.years, required: true,
      onInput: (e) => { p.years = e.target.value; } })),
    field('pl-tz', t('console.tz'), h('input', { id: 'pl-tz', list: 'zones', dir: 'ltr', value: p.tz, required: true, onInput: (e) => { p.tz = e.target.value; } })),
    field('pl-location', t('console.location'), h('input', { id: 'pl-location', value: p.location, onInput: (e) => { p.location = e.target.value; } }))),
  h('button', { type: 'submit', 'data-testid': 'plan' }, t('console.plan_button')),
  c.ui.planned != null ? h('p', { role: 'status', 'data-testid': 'planned' }, t('console.planned', { n: formatNumber(c.ui.planned) })) : null);
}

// What each event of the file became (or would become), and why.
function importResults(r) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'import-results' },
    h('thead', {}, h('tr', {}, [t('console.import_action'), t('console.title_field'), t('console.import_reason')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, r.results.map((x, i) => h('tr', { 'data-testid': `import-row-${i}`, 'data-action': x.action },
      h('td', {}, x.action === 'skip' ? h('span', { class: 'badge danger' }, t('console.import_skip')) : t(`console.import_${x.action}`)),
      h('td', {}, h('bdi', {}, x.title)),
      // the server's reasons name the event, property and line of the file, in English
      h('td', { lang: 'en', dir: 'ltr' }, x.reason || x.note || ''))))));
}

function importForm(c) {
  // The file is read once chosen: a redraw (after the preview) makes a new, empty input.
  const run = async (dryRun) => {
    if (!c.ui.ics) return;
    const r = await c.importIcs(c.ui.ics.text, dryRun);
    if (!r) return;
    c.ui.importResult = r;
    if (!dryRun) { c.ui.imported = r.meetings.length; await c.refresh(); } else c.draw();
  };
  const r = c.ui.importResult;
  return h('form', { class: 'card form', 'data-testid': 'import-form', onSubmit: (e) => { e.preventDefault(); run(false); } },
  h('h2', {}, t('console.import')),
  h('p', {}, t('console.import_help')),
  field('ics-file', t('console.ics_file'), h('input', { id: 'ics-file', type: 'file', accept: '.ics,text/calendar', required: !c.ui.ics,
    onChange: async (e) => {
      const file = e.target.files[0];
      c.ui.ics = file ? { name: file.name, text: await file.text() } : null;
      c.ui.importResult = null;
      c.draw();
    } })),
  c.ui.ics ? h('p', { class: 'muted', 'data-testid': 'ics-chosen' }, h('bdi', {}, c.ui.ics.name)) : null,
  h('div', { class: 'actions' },
    h('button', { type: 'button', 'data-testid': 'import-preview', disabled: !c.ui.ics, onClick: () => run(true) }, t('console.preview_button')),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'import', disabled: !c.ui.ics }, t('console.import_button'))),
  r ? h('p', { role: 'status', 'data-testid': r.dry_run ? 'import-preview-status' : 'imported' },
    r.dry_run ? t('console.import_preview') : t('console.imported', { n: formatNumber(c.ui.imported) }), ' ',
    t('console.import_counts', { created: formatNumber(r.counts.created), updated: formatNumber(r.counts.updated), skipped: formatNumber(r.counts.skipped) })) : null,
  r ? importResults(r) : null);
}

function meetingList(c) {
  const { ui, data, act, refresh, draw } = c;
  const flt = ui.mfilter || (ui.mfilter = { kind: '', pillar: '', month: '' });
  const rows = data.meetings.filter((m) => (!flt.kind || m.kind === flt.kind) && (!flt.pillar || m.pillar === flt.pillar)
    && (!flt.month || instantToZoned(m.start_at, m.tz).startsWith(flt.month)));
  return h('section', { class: 'card' },
    h('h2', {}, t('console.meetings_list', { n: formatNumber(rows.length) })),
    h('div', { class: 'form-grid filters' },
      field('f-kind', t('console.kind'), select('f-kind', [['', t('console.all')], ...KINDS.map((k) => [k, kindLabel(k)])], flt.kind, (v) => { flt.kind = v; draw(); })),
      field('f-pillar', t('console.pillar'), select('f-pillar', [['', t('console.all')], ...PILLARS.map((k) => [k, pillarName(k)])], flt.pillar, (v) => { flt.pillar = v; draw(); })),
      field('f-month', t('console.month'), h('input', { id: 'f-month', type: 'month', 'data-key': 'f-month', value: flt.month,
        onChange: (e) => { flt.month = e.target.value; draw(); } }))),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'meetings' },
      h('thead', {}, h('tr', {}, [t('console.title_field'), t('console.kind'), t('console.when'), t('console.status'), t('console.revision'), t('console.actions')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.slice(0, 200).map((m) => h('tr', { 'data-testid': `meeting-${m.id}` },
        h('td', {}, h('bdi', {}, m.title), ' ', h('span', { class: 'muted' }, formatName(m.format))),
        h('td', {}, kindLabel(m.kind)),
        h('td', {}, formatRange(m.start_at, m.end_at, m.tz)),
        h('td', {}, m.status === 'cancelled' ? h('span', { class: 'badge danger' }, t('status.cancelled')) : t('console.scheduled')),
        h('td', {}, formatNumber(m.sequence || 0)),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'small', 'aria-label': t('console.edit_named', { name: m.title }),
            onClick: () => { ui.meeting = fromMeeting(m); draw(); document.getElementById('m-title')?.focus(); } }, t('console.edit')),
          m.status !== 'cancelled' ? h('button', { type: 'button', class: 'small danger', 'aria-label': t('console.cancel_named', { name: m.title }),
            onClick: async () => {
              if (!window.confirm(t('console.cancel_confirm', { name: m.title }))) return;
              if (await act('meeting.cancel', { meeting: m.id }, t('console.cancelled', { name: m.title }))) await refresh();
            } }, t('console.cancel_meeting')) : null)))))));
}

export function meetingsSection(c) {
  return [meetingForm(c), meetingList(c), planForm(c), importForm(c)];
}
