// One national report as a readable, printable page: its State, year and
// visibility, then every section of the harmonized template in order.

import { h, render, $ } from '../dom.js';
import { t, onLanguage } from '../i18n.js';
import { boot, param, errorText } from '../shell.js';
import { formatInstant } from '../fmt.js';
import { SECTIONS, sectionView } from '../views/report.js';

async function main() {
  const ctx = await boot({ page: 'portal' });
  if (!ctx) return;
  let report = null;
  let error = null;
  try {
    report = (await ctx.client.request('report.get', { report: param('report') || '' })).report;
  } catch (err) {
    error = errorText(err);
  }
  const draw = () => render($('#main'), error ? h('p', { class: 'error', role: 'alert' }, error)
    : h('article', { class: 'card report', 'data-testid': 'report' },
      h('h1', {}, t('report.title', { name: report.delegation.name, year: String(report.year) })),
      h('p', { class: 'muted' }, t('report.meta', { when: formatInstant(report.at, 'UTC'),
        visibility: t(`vis.${report.visibility}`) })),
      h('p', { class: 'no-print' }, h('button', { type: 'button', onClick: () => window.print() }, t('report.print'))),
      SECTIONS.map((sec) => h('section', { 'data-section': sec }, h('h2', {}, t(`report.${sec}`)), sectionView(report.sections[sec])))));
  onLanguage(draw);
  draw();
}

main();
