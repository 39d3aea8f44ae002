// One decision by non-objection, as every page shows it: the text, the
// countdown to the deadline (in the reader's zone, in UTC and, when it belongs
// to one, the meeting's), the result with the objections and statements the
// server sent this reader, and for a State's delegation the actions: object
// (reason, optional amendment), withdraw its objection, make a statement.

import { h } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { serverNow } from '../clock.js';
import { formatInstant, formatCountdown, delegationKindName } from '../fmt.js';
import { localName } from '../states.js';

/** May this reader break silence? A State's delegate or chair. */
export function breaksSilence(hello) {
  const role = hello?.participant?.role;
  return hello?.delegation?.kind === 'state' && (role === 'delegate' || role === 'chair');
}

export const procedureKindName = (k) => tOr(`proc.kind.${k}`, k);
const statusName = (s) => tOr(`proc.status.${s}`, s);

/** Refresh every countdown under root (once a second, without a re-render). */
export function tickCountdowns(root) {
  const now = serverNow();
  for (const el of root.querySelectorAll('[data-deadline]')) {
    const left = Number(el.dataset.deadline) - now;
    el.textContent = left > 0 ? formatCountdown(left) : t('proc.closing');
    el.classList.toggle('soon', left <= 30000);
  }
}

function deadlineTimes(p, ctx) {
  const rows = [];
  const add = (label, tz) => rows.push(h('dt', {}, label), h('dd', {}, formatInstant(p.deadline, tz)));
  if (ctx.tz) add(t('proc.your_time', { tz: ctx.tz }), ctx.tz);
  const mtz = ctx.meetingTz?.(p);
  if (mtz && mtz !== ctx.tz) add(t('proc.meeting_time', { tz: mtz }), mtz);
  if (ctx.tz !== 'UTC') add(t('proc.utc'), 'UTC');
  return h('dl', { class: 'times', 'data-testid': 'deadline' }, rows);
}

function details(p) {
  if (p.kind === 'election' && p.election) {
    const e = p.election;
    return h('p', { class: 'election', 'data-testid': 'election' }, t('proc.election_of', {
      name: e.candidate_name || e.candidate, delegation: localName(e.delegation?.name) || '',
      office: tOr(`office.${e.office}`, e.office), year: e.year,
    }));
  }
  if (p.kind === 'accreditation' && Array.isArray(p.applications)) {
    return h('ul', { class: 'applicants', 'data-testid': 'applicants' }, p.applications.map((a) => h('li', {},
      h('strong', {}, a.name), ' ', h('span', { class: 'badge' }, delegationKindName(a.kind)),
      a.website ? [' ', h('a', { href: a.website, rel: 'noopener noreferrer', target: '_blank' }, a.website)] : null,
      a.justification ? h('p', { class: 'muted' }, a.justification) : null)));
  }
  return null;
}

function record(p) {
  const objections = p.objections || [];
  const statements = p.statements || [];
  return [
    objections.length ? h('div', { class: 'record' },
      h('h4', {}, t('proc.objections'), ' ', h('span', { class: 'count' }, `(${objections.length})`)),
      h('ul', { 'data-testid': 'objections' }, objections.map((o) => h('li', {},
        h('strong', {}, h('bdi', {}, localName(o.delegation?.name) || '')), ': ', h('bdi', {}, o.reason),
        o.amendment ? h('p', { class: 'amendment' }, h('span', { class: 'muted' }, t('proc.amendment_label')), ' ', h('bdi', {}, o.amendment)) : null)))) : null,
    statements.length ? h('div', { class: 'record' },
      h('h4', {}, t('proc.statements')),
      h('ul', { 'data-testid': 'statements' }, statements.map((st) => h('li', {},
        h('strong', {}, h('bdi', {}, localName(st.delegation?.name) || '')), ': ', h('bdi', {}, st.text))))) : null,
  ];
}

function textField(id, label, value, onInput, opts = {}) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label, opts.optional ? [' ', h('span', { class: 'muted' }, t('form.optional'))] : null),
    h('textarea', { id, 'data-key': id, rows: opts.rows || 2, required: !opts.optional, maxlength: '4000',
      'data-testid': opts.testid, onInput: (e) => onInput(e.target.value) }, value || ''));
}

function actions(p, ctx) {
  const ui = ctx.ui[p.id] || (ctx.ui[p.id] = {});
  const mine = (p.objections || []).find((o) => o.delegation?.id === ctx.hello.delegation?.id);
  const pid = p.id;
  const toggle = (which) => { ui.open = ui.open === which ? null : which; ctx.redraw(); };
  const send = async (ev, op, args, okKey, after) => {
    ev.preventDefault();
    if (await ctx.act(op, { procedure: pid, ...args }, t(okKey, { title: p.title }))) { after(); ui.open = null; ctx.redraw(); }
  };
  const objectForm = ui.open === 'object' ? h('form', { class: 'proc-form', 'data-testid': 'object-form',
    onSubmit: (ev) => send(ev, 'procedure.object', { reason: ui.reason || '', ...(ui.amendment ? { amendment: ui.amendment } : {}) },
      'proc.announce_objected', () => { ui.reason = ''; ui.amendment = ''; }) },
  textField(`reason-${pid}`, t('proc.reason'), ui.reason, (v) => { ui.reason = v; }, { testid: 'reason', rows: 3 }),
  textField(`amend-${pid}`, t('proc.amendment'), ui.amendment, (v) => { ui.amendment = v; }, { testid: 'amendment', optional: true, rows: 3 }),
  h('button', { type: 'submit', class: 'danger', 'data-testid': 'object-submit', 'data-key': `object-submit-${pid}` }, t('proc.object_send'))) : null;
  const statementForm = ui.open === 'statement' ? h('form', { class: 'proc-form', 'data-testid': 'statement-form',
    onSubmit: (ev) => send(ev, 'procedure.statement', { text: ui.statement || '' }, 'proc.announce_statement', () => { ui.statement = ''; }) },
  textField(`stmt-${pid}`, t('proc.statement_text'), ui.statement, (v) => { ui.statement = v; }, { testid: 'statement-text', rows: 3 }),
  h('button', { type: 'submit', class: 'primary', 'data-testid': 'statement-submit', 'data-key': `stmt-submit-${pid}` }, t('proc.statement_send'))) : null;
  return h('div', { class: 'proc-actions' },
    h('div', { class: 'actions' },
      mine
        ? h('button', { type: 'button', 'data-testid': 'withdraw-objection', 'data-key': `withdraw-${pid}`,
          onClick: (ev) => send(ev, 'procedure.withdraw_objection', {}, 'proc.announce_withdrawn', () => {}) }, t('proc.withdraw'))
        : h('button', { type: 'button', class: 'danger', 'data-testid': 'object', 'data-key': `object-${pid}`,
          'aria-expanded': String(ui.open === 'object'), onClick: () => toggle('object') }, t('proc.object')),
      ctx.compact ? null : h('button', { type: 'button', 'data-testid': 'statement', 'data-key': `statement-${pid}`,
        'aria-expanded': String(ui.open === 'statement'), onClick: () => toggle('statement') }, t('proc.statement'))),
    mine ? null : objectForm,
    statementForm);
}

/* Whoever started a procedure, or the secretariat, may give it a later
 * deadline while it is open (procedure.extend). */
const EXTENSIONS = [['proc.ext_1m', 60e3], ['proc.ext_10m', 600e3], ['proc.ext_1h', 3600e3],
  ['proc.ext_1d', 86400e3]];

function mayExtend(p, hello) {
  return hello.participant?.role === 'secretariat' || hello.participant?.id === p.started_by;
}

function extendControl(p, ctx) {
  const ui = ctx.ui[p.id] || (ctx.ui[p.id] = {});
  const id = `extend-${p.id}`;
  const by = ui.extendBy || EXTENSIONS[0][1];
  return h('form', { class: 'proc-extend', 'data-testid': 'extend-form',
    onSubmit: async (ev) => {
      ev.preventDefault();
      // the choice as the control shows it now, whatever redraws came between
      const deadline = p.deadline + Number(ev.target.querySelector('select').value);
      if (await ctx.act('procedure.extend', { procedure: p.id, deadline },
        t('proc.announce_extended', { title: p.title, when: formatInstant(deadline, ctx.tz) }))) ctx.redraw();
    } },
  h('label', { for: id }, t('proc.extend_by')),
  h('select', { id, 'data-key': id, 'data-testid': 'extend-by',
    onChange: (e) => { ui.extendBy = Number(e.target.value); } },
  EXTENSIONS.map(([key, ms]) => h('option', { value: String(ms), selected: ms === by }, t(key)))),
  h('button', { type: 'submit', 'data-testid': 'extend', 'data-key': `${id}-go` }, t('proc.extend')));
}

function result(p, ctx) {
  const adopted = p.status === 'adopted';
  const n = (p.objections || []).length;
  return h('p', { class: ['result', adopted ? 'adopted' : 'failed'], 'data-testid': 'result' },
    t(adopted ? 'proc.result_adopted' : 'proc.result_failed', { when: formatInstant(p.closed_at, ctx.tz) }),
    !adopted && n ? [' ', t('proc.objected_by', { names: p.objections.map((o) => localName(o.delegation?.name)).join(', ') })] : null);
}

/**
 * ctx: {hello, tz, meetingTz(p)?, ui: {}, act(op, args, okMsg) -> reply|false,
 *       redraw(), compact?, heading?: 'h2'|'h3'}
 */
export function procedureCard(p, ctx) {
  const open = p.status === 'open';
  const Hn = ctx.heading || 'h3';
  return h('article', { class: ['proc', `s-${p.status}`], 'data-procedure': p.id, 'data-testid': 'procedure', 'aria-labelledby': `proc-${p.id}-h` },
    h('div', { class: 'proc-head' },
      h(Hn, { id: `proc-${p.id}-h` }, h('bdi', {}, p.title)),
      h('p', { class: 'tags' },
        h('span', { class: 'badge' }, procedureKindName(p.kind)),
        h('span', { class: ['badge', open ? 'warn' : p.status === 'adopted' ? 'ok' : 'danger'], 'data-testid': 'status' }, statusName(p.status)),
        p.extensions ? h('span', { class: 'muted' }, t('proc.extended_n', { n: p.extensions })) : null)),
    p.text ? h('p', { class: 'proc-text', dir: 'auto' }, p.text) : null,
    details(p),
    open ? [
      h('p', { class: 'countdown-line' }, h('span', { class: 'muted' }, t('proc.time_left')), ' ',
        h('span', { class: 'countdown', 'data-deadline': String(p.deadline), 'data-testid': 'countdown' },
          formatCountdown(p.deadline - serverNow()))),
      ctx.compact ? null : deadlineTimes(p, ctx),
    ] : result(p, ctx),
    record(p),
    open && mayExtend(p, ctx.hello) ? extendControl(p, ctx) : null,
    open && breaksSilence(ctx.hello) ? actions(p, ctx) : null);
}
