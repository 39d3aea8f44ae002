// What the chair did that concerns the people on the page, said where they
// look: a visible notice that stays until it is dismissed (a screen-reader
// message alone is missed by everyone who was not looking), and the
// confirmation a step that cannot be undone asks for first.

import { h } from '../dom.js';
import { t } from '../i18n.js';

/** The notices shown: push() adds one, the page draws list(). */
export class Notices {
  constructor(redraw) {
    this.items = [];
    this.next = 1;
    this.redraw = redraw;
  }

  push(text, kind = 'info') {
    this.items.push({ id: this.next++, text, kind });
    this.redraw();
  }

  dismiss(id) {
    this.items = this.items.filter((n) => n.id !== id);
    this.redraw();
  }

  list() {
    if (!this.items.length) return null;
    return h('div', { class: 'notices', 'data-testid': 'notices' }, this.items.map((n) =>
      h('div', { class: ['notice-box', n.kind], role: 'status', 'data-testid': 'notice' },
        h('p', {}, n.text),
        h('button', { type: 'button', class: 'small', 'data-testid': 'notice-dismiss', 'data-key': `notice-${n.id}`,
          'aria-label': `${t('notice.dismiss')}: ${n.text}`, onClick: () => this.dismiss(n.id) }, t('notice.dismiss')))));
  }
}

/**
 * Asks before a step: a modal dialog with the question, what will happen,
 * and two buttons. Resolves true when confirmed; Escape or Cancel is false.
 */
export function confirmStep({ title, body, confirm, danger = false }) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'data-testid': 'confirm', 'aria-labelledby': 'confirm-h' },
      h('h2', { id: 'confirm-h' }, title),
      body ? h('p', {}, body) : null);
    const done = (ok) => { dialog.close(); dialog.remove(); resolve(ok); };
    dialog.append(h('div', { class: 'actions' },
      h('button', { type: 'button', class: danger ? 'danger' : 'primary', 'data-testid': 'confirm-yes', onClick: () => done(true) }, confirm),
      h('button', { type: 'button', 'data-testid': 'confirm-no', onClick: () => done(false) }, t('cancel'))));
    dialog.addEventListener('cancel', (ev) => { ev.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
