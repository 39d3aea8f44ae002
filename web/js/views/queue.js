// The list of speakers. Everyone sees it; a delegation sees withdraw and
// "change speaker" on its own entries; the chair also gets give, move up/down,
// remove, drag and drop, and Alt+Up / Alt+Down on a focused row.

import { h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { kindName, presenceName } from '../fmt.js';
import { localName } from '../states.js';
import { behalfText } from './groups.js';
import { allottedBadge } from './info.js';

/**
 * ctx: {queue, isChair, isMine(entry), editing (entry id or null), drafts (Map),
 *       act(op, args, okMsg), setEditing(id|null), limit (number|undefined), testid}
 */
export function queueList(ctx) {
  const q = ctx.limit ? ctx.queue.slice(0, ctx.limit) : ctx.queue;
  if (q.length === 0) return h('p', { class: 'muted', 'data-testid': ctx.testid || 'queue-empty' }, t('queue.empty'));
  return h('ol', { class: 'queue', 'data-testid': ctx.testid || 'queue' }, q.map((e, i) => row(ctx, e, i)));
}

function row(ctx, e, i) {
  const mine = ctx.isMine(e);
  const chair = ctx.isChair && !ctx.readOnly;
  const name = e.speaker || localName(e.delegation?.name) || '';
  const move = (to) => ctx.act('queue.move', { entry: e.id, position: to }, t('announce.moved', { name, pos: to + 1 }));
  // Accessible names start with the visible text (WCAG 2.5.3, label in name)
  // and add whose entry it is.
  const actions = [];
  if (!ctx.readOnly) {
    if (chair) {
      actions.push(
        h('button', { type: 'button', class: 'small primary', 'aria-label': `${t('queue.give')}: ${name}`, 'data-testid': 'give', 'data-key': `give-${e.id}`,
          onClick: () => ctx.act('floor.give', { entry: e.id }) }, t('queue.give')),
        h('button', { type: 'button', class: 'small icon', 'aria-label': t('queue.up', { name }), disabled: i === 0,
          onClick: () => move(i - 1), 'data-key': `up-${e.id}` }, '▲'),
        h('button', { type: 'button', class: 'small icon', 'aria-label': t('queue.down', { name }), disabled: i === ctx.queue.length - 1,
          onClick: () => move(i + 1), 'data-key': `down-${e.id}` }, '▼'));
    }
    if (mine || chair) {
      actions.push(h('button', { type: 'button', class: 'small', 'data-testid': 'rename', 'data-key': `rename-${e.id}`, 'aria-label': `${t('queue.rename')}: ${name}`,
        onClick: () => ctx.setEditing(e.id) }, t('queue.rename')));
    }
    if (mine) {
      actions.push(h('button', { type: 'button', class: 'small danger', 'data-testid': 'withdraw', 'data-key': `withdraw-${e.id}`,
        onClick: async () => { if (!ctx.confirm || await ctx.confirm('withdraw', e, i)) ctx.act('floor.withdraw', { entry: e.id }, t('announce.withdrawn')); } }, t('queue.withdraw')));
    } else if (chair) {
      actions.push(h('button', { type: 'button', class: 'small danger', 'aria-label': `${t('queue.remove')}: ${name}`, 'data-testid': 'remove', 'data-key': `remove-${e.id}`,
        onClick: async () => { if (!ctx.confirm || await ctx.confirm('remove', e, i)) ctx.act('queue.remove', { entry: e.id }); } }, t('queue.remove')));
    }
  }
  const li = h('li', {
    class: ['entry', mine && 'mine', `kind-${e.kind}`],
    'data-entry': e.id, 'data-key': `row-${e.id}`, tabindex: '0',
    'aria-label': t('queue.row_label', { pos: i + 1, name, del: localName(e.delegation?.name) || '', kind: kindName(e.kind) }),
    draggable: chair ? 'true' : null,
  },
  h('span', { class: 'pos', 'aria-hidden': 'true' }, formatNumber(i + 1)),
  h('span', { class: 'who' },
    h('span', { class: 'name' }, name),
    e.delegation?.name && e.speaker && e.delegation.name !== e.speaker ? h('span', { class: 'del' }, localName(e.delegation.name)) : null),
  h('span', { class: 'badges' },
    h('span', { class: `badge k-${e.kind}` }, kindName(e.kind)),
    h('span', { class: `badge p-${e.presence}` }, presenceName(e.presence)),
    allottedBadge(e),
    e.on_behalf ? h('span', { class: 'badge' }, behalfText(e)) : null,
    mine ? h('span', { class: 'badge mine' }, t('queue.yours')) : null),
  ctx.editing === e.id ? renameForm(ctx, e) : h('span', { class: 'actions' }, actions));

  li.addEventListener('keydown', (ev) => {
    if (ev.target !== li) return;
    if (chair && ev.altKey && (ev.key === 'ArrowUp' || ev.key === 'ArrowDown')) {
      ev.preventDefault();
      const to = ev.key === 'ArrowUp' ? i - 1 : i + 1;
      if (to >= 0 && to < ctx.queue.length) move(to);
    } else if (!ev.altKey && (ev.key === 'ArrowUp' || ev.key === 'ArrowDown')) {
      ev.preventDefault();
      const sib = ev.key === 'ArrowUp' ? li.previousElementSibling : li.nextElementSibling;
      sib?.focus();
    }
  });
  if (chair) {
    li.addEventListener('dragstart', (ev) => {
      ev.dataTransfer.setData('text/plain', e.id);
      ev.dataTransfer.effectAllowed = 'move';
      li.classList.add('dragging');
    });
    li.addEventListener('dragend', () => li.classList.remove('dragging'));
    li.addEventListener('dragover', (ev) => { ev.preventDefault(); li.classList.add('dropping'); });
    li.addEventListener('dragleave', () => li.classList.remove('dropping'));
    li.addEventListener('drop', (ev) => {
      ev.preventDefault();
      li.classList.remove('dropping');
      const id = ev.dataTransfer.getData('text/plain');
      const from = ctx.queue.findIndex((x) => x.id === id);
      if (id && from >= 0 && from !== i) {
        const moved = ctx.queue[from];
        ctx.act('queue.move', { entry: id, position: i }, t('announce.moved', { name: moved.speaker, pos: i + 1 }));
      }
    });
  }
  return li;
}

function renameForm(ctx, e) {
  const key = `name-${e.id}`;
  const value = ctx.drafts.has(key) ? ctx.drafts.get(key) : e.speaker || '';
  const input = h('input', { type: 'text', id: key, 'data-key': key, value, maxlength: '120', required: true,
    'data-testid': 'rename-input', onInput: (ev) => ctx.drafts.set(key, ev.target.value) });
  const done = () => { ctx.drafts.delete(key); ctx.setEditing(null); };
  const form = h('form', { class: 'rename',
    onSubmit: async (ev) => {
      ev.preventDefault();
      const speaker = input.value.trim();
      if (!speaker) return;
      const ok = await ctx.act('entry.update', { entry: e.id, speaker }, t('announce.renamed', { name: speaker }));
      if (ok) done();
    } },
  h('label', { for: key, class: 'sr-only' }, t('queue.new_name')),
  input,
  h('button', { type: 'submit', class: 'small primary' }, t('save')),
  h('button', { type: 'button', class: 'small', onClick: done }, t('cancel')));
  input.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') done(); });
  return form;
}
