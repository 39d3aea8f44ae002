// The portal: the library (full-text search over titles, abstracts and the
// words of the files, with filters; only what the reader may see), the
// reporting cycle (each State's group, due year and last report, the reader's
// own reminder, submissions by group and year as a chart), the synthesis of a
// cycle's capacity needs and offers for the roundtable, and up to three States'
// latest national reports side by side, section by section.

import { h, s, render, $ } from '../dom.js';
import { t, onLanguage, formatNumber } from '../i18n.js';
import { boot, announce, errorText } from '../shell.js';
import { serverNow } from '../clock.js';

const KINDS = ['national_report', 'working_paper', 'research_paper', 'statement', 'webinar', 'other'];
const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];
const SECTIONS = ['cover', 'norms', 'cbm', 'capacity_building', 'international_law', 'threat_assessment', 'contacts'];

async function main() {
  const ctx = await boot({ page: 'portal' });
  if (!ctx) return;
  const { client } = ctx;
  const ui = { q: '', kind: '', language: '', docs: null, status: null, synthesis: null,
    cycle: new Date(serverNow()).getUTCFullYear(), picks: ['', '', ''], compare: null, error: null };

  async function call(op, args) {
    try {
      const r = await client.request(op, args);
      ui.error = null;
      return r;
    } catch (err) {
      ui.error = errorText(err);
      announce(ui.error, true);
      return null;
    } finally {
      draw();
    }
  }

  async function search() {
    const args = {};
    if (ui.q.trim()) args.q = ui.q;
    if (ui.kind) args.kind = ui.kind;
    if (ui.language) args.language = ui.language;
    const r = await call('documents.search', args);
    if (r) { ui.docs = r.documents; announce(t('portal.found', { n: formatNumber(r.documents.length) })); draw(); }
  }

  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const select = (id, value, options, onChange) => h('select', { id, 'data-key': id, 'data-testid': id, onChange: (e) => onChange(e.target.value) },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));

  function snippet(parts) {
    return h('p', { class: 'snippet' }, (parts || []).map((p) => (p.hit ? h('mark', {}, p.text) : p.text)));
  }

  function searchCard() {
    return h('section', { class: 'card', 'aria-labelledby': 'search-h', 'data-testid': 'search' },
      h('h2', { id: 'search-h' }, t('portal.search')),
      h('form', { class: 'proc-form', role: 'search', onSubmit: (e) => { e.preventDefault(); search(); } },
        field('q', t('portal.words'), h('input', { type: 'search', id: 'q', 'data-key': 'q', 'data-testid': 'q', value: ui.q,
          onInput: (e) => { ui.q = e.target.value; } })),
        field('kind', t('portal.kind'), select('kind', ui.kind, [['', t('portal.any')], ...KINDS.map((k) => [k, t(`doc.${k}`)])], (v) => { ui.kind = v; })),
        field('language', t('portal.language'), select('language', ui.language, [['', t('portal.any')], ...LANGS.map((l) => [l, l])], (v) => { ui.language = v; })),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'search-submit' }, t('portal.search_button'))),
      ui.docs === null ? null : ui.docs.length === 0 ? h('p', { class: 'muted', 'data-testid': 'no-results' }, t('portal.none'))
        : h('ol', { class: 'results', 'data-testid': 'results' }, ui.docs.map(({ document: d, snippet: sn }) => h('li', { 'data-testid': 'result' },
          h('a', { href: `/documents/${encodeURIComponent(d.id)}` }, d.title),
          ' ', h('span', { class: 'muted' }, `${t(`doc.${d.kind}`)} · ${d.language} · ${d.delegation.name}`),
          d.withdrawn ? [' ', h('span', { class: 'badge warn' }, t('portal.withdrawn'))] : null,
          d.visibility === 'states' ? [' ', h('span', { class: 'badge' }, t('portal.states_only'))] : null,
          sn && sn.length ? snippet(sn) : d.abstract ? h('p', {}, d.abstract) : null))));
  }

  // Submissions by group and year: one bar per year for the group due then.
  function statsChart(stats) {
    const rows = (stats || []).filter((r) => r.due > 0);
    const W = 640, BAR = 22, GAP = 8, LABEL = 150, plot = W - LABEL - 120;
    const rtl = document.documentElement.dir === 'rtl';
    const x = (px, w = 0) => (rtl ? W - px - w : px);
    const height = Math.max(1, rows.length) * (BAR + GAP) + GAP;
    const label = (r) => t('portal.stat_row', { year: String(r.year), group: t(`group.${r.group}`) });
    const value = (r) => t('portal.stat_value', { n: formatNumber(r.submitted), of: formatNumber(r.due) });
    return h('figure', { class: 'chart card', 'data-testid': 'chart-submissions' },
      h('figcaption', { id: 'subs-title' }, t('portal.stats_title')),
      rows.length === 0 ? h('p', { class: 'muted' }, t('stats.empty'))
        : s('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-labelledby': 'subs-title' }, rows.map((r, i) => {
          const y = GAP + i * (BAR + GAP), w = Math.max(2, Math.round((r.submitted / r.due) * plot));
          return s('g', {}, s('title', {}, `${label(r)}: ${value(r)}`),
            s('text', { x: x(LABEL - 8), y: y + BAR / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, label(r)),
            s('rect', { x: x(LABEL, w), y, width: w, height: BAR, rx: 3, class: `fill c${r.group === 'even' ? 0 : 1}` }),
            s('text', { x: x(LABEL + w + 8), y: y + BAR / 2, class: 'value', 'text-anchor': 'start', 'dominant-baseline': 'middle' }, value(r)));
        })),
      rows.length ? h('details', {}, h('summary', {}, t('stats.table')), h('table', {},
        h('thead', {}, h('tr', {}, ['portal.year', 'portal.group', 'portal.submitted', 'portal.due'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('td', {}, String(r.year)), h('td', {}, t(`group.${r.group}`)),
          h('td', {}, formatNumber(r.submitted)), h('td', {}, formatNumber(r.due)))))))
        : null);
  }

  function cycleCard() {
    const st = ui.status;
    if (!st) return h('section', { class: 'card' }, h('p', { class: 'loading' }, t('loading')));
    const mine = st.mine;
    return h('section', { class: 'card', 'aria-labelledby': 'cycle-h', 'data-testid': 'cycle' },
      h('h2', { id: 'cycle-h' }, t('portal.cycle')),
      h('p', { class: 'muted' }, t('portal.cycle_lead', { first: String(st.first_year) })),
      mine && mine.reminder ? h('p', { class: 'banner', role: 'status', 'data-testid': 'my-reminder' },
        t(`portal.remind_${mine.reminder}`, { year: String(mine.due_year) })) : null,
      h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'cycle-table' },
        h('thead', {}, h('tr', {}, ['portal.state', 'portal.group', 'portal.due_year', 'portal.last', 'portal.flag'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, st.states.map((x) => h('tr', {},
          h('th', { scope: 'row' }, x.delegation.name), h('td', {}, t(`group.${x.group}`)), h('td', {}, String(x.due_year)),
          h('td', {}, x.last_report ? String(x.last_report) : '—'),
          h('td', {}, x.flagged ? h('span', { class: 'badge danger' }, t('portal.flagged')) : x.reminder ? t(`portal.state_${x.reminder}`) : '')))))),
      statsChart(st.statistics));
  }

  function synthesisCard() {
    const sy = ui.synthesis;
    return h('section', { class: 'card', 'aria-labelledby': 'syn-h', 'data-testid': 'synthesis' },
      h('h2', { id: 'syn-h' }, t('portal.synthesis')),
      h('form', { class: 'inline', onSubmit: async (e) => { e.preventDefault(); const r = await call('report.synthesis', { cycle: Number(ui.cycle) }); if (r) { ui.synthesis = r; draw(); } } },
        field('cycle-year', t('portal.cycle_year'), h('input', { type: 'number', id: 'cycle-year', 'data-key': 'cycle-year', min: '2000', max: '9998', value: String(ui.cycle),
          onInput: (e) => { ui.cycle = e.target.value; } })),
        h('button', { type: 'submit', 'data-testid': 'synthesis-submit' }, t('portal.show'))),
      !sy ? null : [
        h('p', {}, t('portal.totals', { states: formatNumber(sy.states.length), needs: formatNumber(sy.totals.needs), offers: formatNumber(sy.totals.offers),
          from: String(sy.years[0]), to: String(sy.years[1]) })),
        h('h3', {}, t('portal.top_needs')),
        sy.top_needs.length ? h('ol', { 'data-testid': 'top-needs' }, sy.top_needs.map((n) => h('li', {}, `${n.theme} (${t(`pillar.${n.pillar}`)}): ${formatNumber(n.count)}`)))
          : h('p', { class: 'muted' }, t('portal.none')),
        h('h3', {}, t('portal.matches')),
        sy.matches.length ? h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'matches' },
          h('thead', {}, h('tr', {}, ['portal.theme', 'portal.needed_by', 'portal.offered_by'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, sy.matches.map((m) => h('tr', {}, h('td', {}, m.theme), h('td', {}, m.needed_by.name), h('td', {}, m.offered_by.name))))))
          : h('p', { class: 'muted' }, t('portal.none'))]);
  }

  const sectionText = (sec) => {
    if (!sec) return h('span', { class: 'muted' }, '—');
    return h('dl', {}, Object.entries(sec).map(([k, v]) => [h('dt', {}, k),
      h('dd', {}, Array.isArray(v) ? h('ul', {}, v.map((x) => h('li', {}, typeof x === 'string' ? x
        : [x.theme || x.name, x.description || x.role ? ` — ${x.description || x.role}` : '']))) : v === null ? '—' : String(v))]));
  };

  function compareCard() {
    const states = ui.status?.states || [];
    const cmp = ui.compare;
    return h('section', { class: 'card', 'aria-labelledby': 'cmp-h', 'data-testid': 'compare' },
      h('h2', { id: 'cmp-h' }, t('portal.compare')),
      h('form', { class: 'inline', onSubmit: async (e) => {
        e.preventDefault();
        const ids = ui.picks.filter(Boolean);
        if (!ids.length) return;
        const r = await call('report.compare', { delegations: ids });
        if (r) { ui.compare = r.compare; draw(); }
      } },
      ui.picks.map((v, i) => field(`pick-${i}`, t('portal.state_n', { n: String(i + 1) }),
        select(`pick-${i}`, v, [['', '—'], ...states.map((x) => [x.delegation.id, x.delegation.name])], (nv) => { ui.picks[i] = nv; }))),
      h('button', { type: 'submit', 'data-testid': 'compare-submit' }, t('portal.show'))),
      !cmp ? null : h('div', { class: 'table-wrap' }, h('table', { class: 'compare', 'data-testid': 'compare-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('portal.section')),
          cmp.map((c) => h('th', { scope: 'col' }, c.delegation.name, c.report ? h('span', { class: 'muted' }, ` (${c.report.year})`) : null)))),
        h('tbody', {}, SECTIONS.map((sec) => h('tr', { 'data-section': sec }, h('th', { scope: 'row' }, t(`report.${sec}`)),
          cmp.map((c) => h('td', {}, c.report ? sectionText(c.report.sections[sec]) : h('span', { class: 'muted' }, t('portal.no_report'))))))))));
  }

  function draw() {
    render($('#main'),
      h('h1', {}, t('portal.title')),
      h('p', { class: 'error', role: 'alert', 'data-testid': 'action-error', hidden: !ui.error }, ui.error || ''),
      cycleCard(), searchCard(), synthesisCard(), compareCard());
  }

  onLanguage(draw);
  draw();
  ui.status = (await call('report.status', {})) || { states: [], statistics: [], first_year: ui.cycle };
  await search();
  client.onEvent?.((ev) => { if (ev.ev === 'report.reminder') call('report.status', {}).then((r) => { if (r) { ui.status = r; draw(); } }); });
  draw();
}

main();
