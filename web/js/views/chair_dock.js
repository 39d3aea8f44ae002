// The chair's dock: on a narrow screen the console sits far below the floor
// and the list, so the clock and "Next" / "End" were never on screen
// together. The dock keeps the speaker, the clock and the main actions fixed
// at the bottom of the viewport; the page draws it on narrow screens only (a
// wide one has the console beside the floor). Its buttons send the same ops
// as the console's.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { speakerLabel } from '../fmt.js';
import { formatMinutes } from '../intl.js';

export function chairDock({ state, act }) {
  const f = state.floor;
  const calling = f?.phase === 'calling';
  return h('section', { class: 'chair-dock', 'aria-label': t('dock.label'), 'data-testid': 'chair-dock' },
    h('div', { class: 'dock-floor' },
      h('span', { class: 'dock-speaker' }, f ? speakerLabel(f.entry) : t('floor.none')),
      f ? h('span', { class: 'clock dock-clock', role: 'timer', 'aria-label': t('floor.time_left'), 'data-clock': '', 'data-testid': 'dock-clock' }, '') : null),
    h('div', { class: 'dock-actions' },
      h('button', { type: 'button', class: 'primary', 'data-testid': 'dock-next', 'data-key': 'dock-next', disabled: state.queue.length === 0,
        onClick: () => act('floor.next', {}) }, t('chair.next')),
      calling
        ? h('button', { type: 'button', 'data-testid': 'dock-start', 'data-key': 'dock-start', onClick: () => act('floor.start', {}) }, t('chair.start'))
        : h('button', { type: 'button', 'data-testid': 'dock-pause', 'data-key': 'dock-pause', disabled: !f,
          onClick: () => act(f?.paused ? 'floor.resume' : 'floor.pause', {}) }, t(f?.paused ? 'chair.resume' : 'chair.pause')),
      h('button', { type: 'button', 'data-testid': 'dock-extend', 'data-key': 'dock-extend', disabled: !f,
        // The accessible name starts with the visible text (WCAG 2.5.3).
      'aria-label': `${formatMinutes(1, { sign: true })}: ${t('chair.extend_label', { time: formatMinutes(1, { long: true }) })}`,
        onClick: () => act('floor.extend', { seconds: 60 }) }, formatMinutes(1, { sign: true })),
      h('button', { type: 'button', class: 'danger', 'data-testid': 'dock-end', 'data-key': 'dock-end', disabled: !f,
        onClick: () => act('floor.end', {}) }, t('chair.end'))));
}
