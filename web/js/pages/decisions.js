// Decisions by non-objection: every procedure (open first, then closed), each
// deadline counted down and shown in the reader's delegation zone, the
// meeting's and UTC; a State's delegation objects, withdraws, makes
// statements; the bureau by year. The secretariat also starts written
// procedures (adoption, accreditation, election), issues application links and
// follows the applications.

import { h, render, $ } from '../dom.js';
import { t, onLanguage, formatNumber } from '../i18n.js';
import { boot, announce, errorText } from '../shell.js';
import { serverNow } from '../clock.js';
import { ProgrammeStore } from '../programme.js';
import { procedureCard, procedureKindName, tickCountdowns } from '../views/procedure.js';
import { formatInstant, zonedToInstant, instantToZoned, delegationKindName } from '../fmt.js';

const KINDS = ['adoption', 'accreditation', 'election'];
const OFFICES = ['chair', 'vice_chair', 'rapporteur'];
const WEEK = 7 * 86400000;

async function main() {
  const ctx = await boot({ page: 'decisions' });
  if (!ctx) return;
  const { client } = ctx;
  const programme = new ProgrammeStore(client);
  const ui = { procs: {}, error: null, form: { kind: 'adoption', office: 'chair', apps: new Set() }, link: null };
  const meetings = new Map();
  let applications = null;
  let bureau = null;

  const hello = () => client.hello;
  const isSecretariat = () => hello().participant.role === 'secretariat';
  const myTz = () => hello().delegation?.tz || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  async function act(op, args, okMsg) {
    try {
      const reply = await client.request(op, args);
      ui.error = null;
      if (reply.procedure) programme.put(reply.procedure);
      if (okMsg) announce(okMsg);
      draw();
      return reply;
    } catch (err) {
      ui.error = errorText(err);
      announce(ui.error, true);
      draw();
      return false;
    }
  }

  async function loadSide() {
    const tasks = [
      client.request('meeting.list', {}).then((r) => { for (const m of r.meetings || []) meetings.set(m.id, m); }),
      client.request('bureau.list', {}).then((r) => { bureau = r.bureau || []; }),
    ];
    if (isSecretariat()) tasks.push(client.request('accreditation.list', {}).then((r) => { applications = r.applications || []; }));
    await Promise.allSettled(tasks);
    draw();
  }

  // --- the secretariat's start form ------------------------------------------

  /** Participants the page knows of (objectors, makers of statements, candidates, the bureau). */
  function knownParticipants() {
    const seen = new Map();
    for (const p of programme.procedures.values()) {
      for (const x of [...(p.objections || []), ...(p.statements || [])]) {
        if (x.participant && x.delegation?.kind !== 'secretariat') seen.set(x.participant, x.delegation?.name || '');
      }
      if (p.election) seen.set(p.election.candidate, `${p.election.candidate_name || ''} (${p.election.delegation?.name || ''})`);
    }
    for (const b of bureau || []) seen.set(b.participant, `${b.name} (${b.delegation?.name || ''})`);
    return seen;
  }

  function field(id, label, control) {
    return h('div', { class: 'field' }, h('label', { for: id }, label), control);
  }

  function startForm() {
    const f = ui.form;
    if (!f.deadline) f.deadline = instantToZoned(serverNow() + WEEK, myTz());
    const input = (id, key, attrs = {}) => h('input', { type: 'text', id, 'data-key': id, 'data-testid': id, value: f[key] ?? '',
      onInput: (e) => { f[key] = e.target.value; }, ...attrs });
    const deadline = zonedToInstant(f.deadline, myTz());
    const eligible = (applications || []).filter((a) => a.status === 'pending' || a.status === 'rejected');
    const kindFields = {
      election: () => [
        field('start-office', t('proc.office'), h('select', { id: 'start-office', 'data-key': 'start-office', 'data-testid': 'start-office',
          onChange: (e) => { f.office = e.target.value; } },
        OFFICES.map((o) => h('option', { value: o, selected: f.office === o }, t(`office.${o}`))))),
        field('start-year', t('proc.year'), input('start-year', 'year', { type: 'number', min: '2000', max: '2100',
          value: f.year ?? String(new Date(serverNow()).getUTCFullYear()) })),
        field('start-candidate', t('proc.candidate'), [
          input('start-candidate', 'candidate', { list: 'known-participants', 'aria-describedby': 'candidate-help', autocomplete: 'off' }),
          h('datalist', { id: 'known-participants' }, [...knownParticipants()].map(([id, label]) => h('option', { value: id }, label))),
          h('span', { id: 'candidate-help', class: 'muted hint' }, t('proc.candidate_help'))]),
      ],
      accreditation: () => h('fieldset', { class: 'apps-pick' },
        h('legend', {}, t('proc.applications')),
        eligible.length ? eligible.map((a) => h('div', { class: 'choice' },
          h('input', { type: 'checkbox', id: `pick-${a.id}`, 'data-key': `pick-${a.id}`, 'data-testid': 'pick-application', checked: f.apps.has(a.id),
            onChange: (e) => { if (e.target.checked) f.apps.add(a.id); else f.apps.delete(a.id); } }),
          h('label', { for: `pick-${a.id}` }, a.name, ' · ', delegationKindName(a.kind), ' · ', t(`appl.status.${a.status}`))))
          : h('p', { class: 'muted' }, t('proc.no_applications'))),
    };
    return h('section', { class: 'card', 'aria-labelledby': 'start-h', 'data-testid': 'start-procedure' },
      h('h2', { id: 'start-h' }, t('proc.start_title')),
      h('form', { class: 'proc-form', onSubmit: async (ev) => {
        ev.preventDefault();
        const args = { kind: f.kind, title: f.title || '', text: f.text || '', deadline: zonedToInstant(f.deadline, myTz()) };
        if (f.kind === 'election') Object.assign(args, { office: f.office, year: Number(f.year ?? new Date(serverNow()).getUTCFullYear()), candidate: (f.candidate || '').trim() });
        if (f.kind === 'accreditation') args.applications = [...f.apps];
        const reply = await act('procedure.start', args, t('proc.announce_started', { title: args.title }));
        if (reply) { Object.assign(f, { title: '', text: '', candidate: '', deadline: '' }); f.apps.clear(); draw(); }
      } },
      field('start-kind', t('proc.kind'), h('select', { id: 'start-kind', 'data-key': 'start-kind', 'data-testid': 'start-kind',
        onChange: (e) => { f.kind = e.target.value; draw(); } }, KINDS.map((k) => h('option', { value: k, selected: f.kind === k }, procedureKindName(k))))),
      field('start-title', t('proc.title'), input('start-title', 'title', { required: true, maxlength: '200' })),
      field('start-text', t('proc.text'), h('textarea', { id: 'start-text', 'data-key': 'start-text', 'data-testid': 'start-text', rows: 4, required: true,
        onInput: (e) => { f.text = e.target.value; } }, f.text || '')),
      kindFields[f.kind]?.(),
      field('start-deadline', t('proc.deadline_in', { tz: myTz() }), [
        h('input', { type: 'datetime-local', id: 'start-deadline', 'data-key': 'start-deadline', 'data-testid': 'start-deadline', step: '1', required: true,
          value: f.deadline, 'aria-describedby': 'deadline-utc', onChange: (e) => { f.deadline = e.target.value; draw(); } }),
        h('span', { id: 'deadline-utc', class: 'muted hint' }, Number.isFinite(deadline) ? t('proc.deadline_utc', { when: formatInstant(deadline, 'UTC') }) : '')]),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'start-submit', 'data-key': 'start-submit' }, t('proc.start'))));
  }

  function applicationsCard() {
    const link = ui.link;
    return h('section', { class: 'card', 'aria-labelledby': 'apps-h', 'data-testid': 'applications' },
      h('h2', { id: 'apps-h' }, t('appl.title')),
      h('p', { class: 'muted' }, t('appl.link_help')),
      h('button', { type: 'button', 'data-testid': 'issue-link', 'data-key': 'issue-link', onClick: async () => {
        const reply = await act('accreditation.link', {}, t('appl.link_issued'));
        if (reply) { ui.link = `${location.origin}${reply.path}`; draw(); $('#app-link')?.select(); }
      } }, t('appl.issue_link')),
      link ? h('div', { class: 'field linkbox' },
        h('label', { for: 'app-link' }, t('appl.link_label')),
        h('div', { class: 'inline' },
          h('input', { type: 'text', id: 'app-link', readonly: true, value: link, 'data-testid': 'app-link', 'data-key': 'app-link',
            onFocus: (e) => e.target.select() }),
          h('button', { type: 'button', 'data-key': 'copy-link', onClick: async () => {
            try { await navigator.clipboard.writeText(link); announce(t('appl.copied')); } catch { $('#app-link')?.select(); }
          } }, t('appl.copy'))),
        h('p', { class: 'muted' }, t('appl.link_once'))) : null,
      applications === null ? h('p', { class: 'loading' }, t('loading'))
        : applications.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'apps', 'data-testid': 'applications-table' },
          h('thead', {}, h('tr', {}, ['appl.name', 'appl.kind', 'appl.contact', 'appl.status'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, applications.map((a) => h('tr', {},
            h('td', {}, a.name, a.website ? [h('br'), h('a', { href: a.website, rel: 'noopener noreferrer', target: '_blank' }, a.website)] : null),
            h('td', {}, delegationKindName(a.kind)),
            h('td', {}, a.contact || ''),
            h('td', {}, h('span', { class: ['badge', { accepted: 'ok', rejected: 'danger', under_procedure: 'warn' }[a.status]] }, t(`appl.status.${a.status}`))))))))
          : h('p', { class: 'muted' }, t('appl.none')));
  }

  function bureauCard() {
    const years = new Map();
    for (const b of bureau || []) (years.get(b.year) || years.set(b.year, []).get(b.year)).push(b);
    return h('section', { class: 'card', 'aria-labelledby': 'bureau-h', 'data-testid': 'bureau' },
      h('h2', { id: 'bureau-h' }, t('bureau.title')),
      bureau === null ? h('p', { class: 'loading' }, t('loading'))
        : years.size ? [...years].sort((a, b) => b[0] - a[0]).map(([year, list]) => [
          h('h3', {}, String(year)),
          h('dl', { class: 'times' }, list.map((b) => [h('dt', {}, t(`office.${b.office}`)),
            h('dd', {}, b.name, ' ', h('span', { class: 'muted' }, `(${b.delegation?.name || ''})`))]))])
          : h('p', { class: 'muted' }, t('bureau.none')));
  }

  function draw() {
    const { open, closed } = programme.list();
    const pctx = {
      hello: hello(), tz: myTz(), ui: ui.procs, act, redraw: draw, heading: 'h3',
      meetingTz: (p) => meetings.get(p.meeting)?.tz,
    };
    const cards = (list) => list.map((p) => {
      const m = meetings.get(p.meeting);
      const card = procedureCard(p, pctx);
      if (m) card.querySelector('.tags')?.append(h('span', { class: 'muted' }, t('proc.at', { meeting: m.title })));
      return card;
    });
    const loading = programme.seq === null;
    render($('#main'),
      h('h1', {}, t('proc.page_title')),
      h('p', { class: 'lead muted' }, t('proc.page_lead', { tz: myTz() })),
      h('p', { class: 'error', role: 'alert', 'data-testid': 'action-error', hidden: !ui.error }, ui.error || ''),
      h('div', { class: 'decisions-grid' },
        h('div', { class: 'proc-lists' },
          h('section', { 'aria-labelledby': 'open-h', 'data-testid': 'open-procedures' },
            h('h2', { id: 'open-h' }, t('proc.open'), ' ', h('span', { class: 'count' }, `(${formatNumber(open.length)})`)),
            loading ? h('p', { class: 'loading' }, t('loading')) : open.length ? cards(open) : h('p', { class: 'muted' }, t('proc.none_open'))),
          h('section', { 'aria-labelledby': 'closed-h', 'data-testid': 'closed-procedures' },
            h('h2', { id: 'closed-h' }, t('proc.closed'), ' ', h('span', { class: 'count' }, `(${formatNumber(closed.length)})`)),
            closed.length ? cards(closed) : h('p', { class: 'muted' }, t('proc.none_closed')))),
        h('div', { class: 'side' },
          isSecretariat() ? [startForm(), applicationsCard()] : null,
          bureauCard())));
    tickCountdowns($('#main'));
  }

  programme.subscribe((pr, cause, ev) => {
    const p = pr.procedures.get(ev?.procedure?.id || ev?.procedure);
    if (cause === 'procedure.started' && p) {
      announce(t('proc.announce_started', { title: p.title }));
      if (p.kind === 'accreditation' && isSecretariat()) loadSide(); // now under procedure
    }
    if (cause === 'procedure.closed' && p) {
      announce(t(ev.result === 'adopted' ? 'proc.announce_adopted' : 'proc.announce_failed', { title: p.title }));
      if (p.kind !== 'adoption') loadSide(); // the bureau, the applications' status
    }
    draw();
  });
  client.onEvent((ev) => {
    if (ev.ev === 'application.received' && applications) {
      applications = [...applications.filter((a) => a.id !== ev.application.id), { status: 'pending', ...ev.application }];
      announce(t('appl.received', { name: ev.application.name }));
      draw();
    }
  });
  client.onReady(loadSide);
  setInterval(() => tickCountdowns($('#main')), 1000);
  onLanguage(draw);
  draw();
}

main();
