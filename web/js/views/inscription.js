// Inscription deadlines (issue 14): when the list of the open item closes by
// itself, for everyone, and the chair's control to set it. The server closes
// the list (queue.closed, reason "deadline"); this file only shows it.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatInstant } from '../fmt.js';
import { serverNow } from '../clock.js';

/** "The list closes at 11:30" while a deadline stands, or null. */
export function deadlineNotice(st) {
  if (!st?.deadline || st.list_closed) return null;
  return h('p', { class: 'notice', 'data-testid': 'list-deadline' },
    t('list.closes_at', { time: formatInstant(st.deadline, st.meeting?.tz, { timeOnly: true }) }));
}

/** The chair's control: close the list of the open item in N minutes. */
export function deadlineForm(st, ui, act) {
  const submit = (ev) => {
    ev.preventDefault();
    const minutes = Number(ui.deadlineMinutes || 10);
    if (!(minutes > 0)) return;
    act('queue.deadline', { item: st.item, at: Math.round(serverNow() + minutes * 60000) }, t('list.deadline_set'));
  };
  return h('form', { class: 'deadline', 'data-testid': 'deadline-form', onSubmit: submit },
    h('label', { for: 'deadline-min' }, t('list.deadline_in')),
    h('input', { type: 'number', id: 'deadline-min', min: '1', max: '600', value: ui.deadlineMinutes || 10,
      'data-key': 'deadline-min', onInput: (e) => { ui.deadlineMinutes = e.target.value; } }),
    h('button', { type: 'submit', disabled: st.list_closed, 'data-testid': 'deadline-set' }, t('list.deadline_button')),
    st.deadline && !st.list_closed
      ? h('button', { type: 'button', 'data-testid': 'deadline-clear',
        onClick: () => act('queue.deadline', { item: st.item, at: null }, t('list.deadline_cleared')) }, t('list.deadline_clear'))
      : null);
}

/** Keeps state.deadline current from an event (the store calls this). */
export function applyDeadlineEvent(st, ev) {
  if (ev.ev === 'item') st.deadline = ev.deadline ?? null;
  else if (ev.ev === 'queue.deadline' && ev.item === st.item) st.deadline = ev.deadline ?? null;
  else if (ev.ev === 'queue.closed' && ev.item === st.item) st.deadline = null;
}
