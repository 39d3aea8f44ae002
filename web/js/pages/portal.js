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
import { SECTIONS, sectionView } from '../views/report.js';

const KINDS = ['national_report', 'working_paper', 'research_paper', 'statement', 'webinar', 'other'];
const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];

async function main() {
  const ctx = await boot({ page: 'portal' });
  if (!ctx) return;
  const { client } = ctx;
  const ui = { q: '', kind: '', language: '', docs: null, status: null, synthesis: null,
    cycle: new Date(serverNow()).getUTCFullYear(), picks: ['', '', ''], compare: null, error: null,
    form: { year: new Date(serverNow()).getUTCFullYear(), visibility: 'public' }, share: {} };
  // Every answer redraws the page, so the share form keeps what was typed in
  // ui.share, and its file input is one element kept across redraws: a chosen
  // file cannot be put back into a new one.
  const shareFile = h('input', { type: 'file', id: 'sh-file', name: 'file', 'data-testid': 'sh-file', accept: '.pdf,.odt,.docx,.txt,.md' });
  // A State's delegates and chairs report for it (the secretariat does so from the console's ops).
  const mayReport = () => ctx.hello.delegation?.kind === 'state' && ['delegate', 'chair'].includes(ctx.hello.participant.role);
  // The kinds this participant may share, by the server's rule
  // (core/portal.c, pl_portal_may_upload): offering one it refuses would
  // make a person fill the form in for nothing.
  const shareKinds = () => {
    const { role } = ctx.hello.participant, kind = ctx.hello.delegation?.kind;
    if (role === 'secretariat' || (role === 'chair' && kind === 'secretariat')) return KINDS;
    if (kind === 'state' && ['delegate', 'chair'].includes(role)) return KINDS;
    return role === 'observer' ? KINDS.filter((k) => k !== 'national_report') : [];
  };

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
    return h('p', { class: 'snippet', dir: 'auto' }, (parts || []).map((p) => (p.hit ? h('mark', {}, p.text) : p.text)));
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
          h('a', { href: `/documents/${encodeURIComponent(d.id)}`, dir: 'auto' }, d.title),
          ' ', h('span', { class: 'muted' }, `${t(`doc.${d.kind}`)} · ${d.language} · ${d.delegation.name}`),
          d.withdrawn ? [' ', h('span', { class: 'badge warn' }, t('portal.withdrawn'))] : null,
          d.visibility === 'states' ? [' ', h('span', { class: 'badge' }, t('portal.states_only'))] : null,
          sn && sn.length ? snippet(sn) : d.abstract ? h('p', { dir: 'auto' }, d.abstract) : null))));
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
          cmp.map((c) => h('th', { scope: 'col' }, c.report ? h('a', { href: `report.html?report=${encodeURIComponent(c.report.id)}` }, c.delegation.name) : c.delegation.name,
          c.report ? h('span', { class: 'muted' }, ` (${c.report.year})`) : null)))),
        h('tbody', {}, SECTIONS.map((sec) => h('tr', { 'data-section': sec }, h('th', { scope: 'row' }, t(`report.${sec}`)),
          cmp.map((c) => h('td', {}, c.report ? sectionView(c.report.sections[sec]) : h('span', { class: 'muted' }, t('portal.no_report'))))))))));
  }

  // The harmonized template as a form: one line per entry in the lists;
  // needs and offers as "theme: description", contacts as "name, role, email".
  const lines = (v) => (v || '').split('\n').map((x) => x.trim()).filter(Boolean);
  const themes = (v) => lines(v).map((l) => { const i = l.indexOf(':'); return i < 0 ? { theme: l } : { theme: l.slice(0, i).trim(), description: l.slice(i + 1).trim() }; });
  function sectionsOf(f) {
    const out = {};
    const put = (sec, key, v) => { if (v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)) (out[sec] ||= {})[key] = v; };
    if (f.nothing_new) put('cover', 'nothing_new_since', Number(f.nothing_new));
    put('cover', 'summary', (f.summary || '').trim());
    put('norms', 'implemented', lines(f.norms));
    put('cbm', 'measures', lines(f.cbm));
    put('capacity_building', 'needs', themes(f.needs));
    put('capacity_building', 'offers', themes(f.offers));
    put('international_law', 'views', (f.law || '').trim());
    put('threat_assessment', 'assessment', (f.threats || '').trim());
    put('contacts', 'people', lines(f.contacts).map((l) => { const [name, role, email] = l.split(',').map((x) => x.trim()); return { name, ...(role ? { role } : {}), ...(email ? { email } : {}) }; }));
    return out;
  }

  function submitCard() {
    const f = ui.form;
    const area = (id, key, label, help) => field(`rf-${id}`, label, [h('textarea', { id: `rf-${id}`, 'data-key': `rf-${id}`, 'data-testid': `rf-${id}`, rows: 3,
      'aria-describedby': help ? `rf-${id}-help` : undefined, onInput: (e) => { f[key] = e.target.value; } }, f[key] || ''),
    help ? h('span', { id: `rf-${id}-help`, class: 'muted hint' }, t(help)) : null]);
    return h('section', { class: 'card', 'aria-labelledby': 'submit-h', 'data-testid': 'submit-report' },
      h('h2', { id: 'submit-h' }, t('portal.submit_title')),
      h('form', { class: 'proc-form', onSubmit: async (e) => {
        e.preventDefault();
        const r = await call('report.submit', { year: Number(f.year), visibility: f.visibility, sections: sectionsOf(f) });
        if (r) {
          announce(t('portal.submitted_ok'));
          ui.form = { year: f.year, visibility: f.visibility };
          ui.status = (await call('report.status', {})) || ui.status;
          draw();
        }
      } },
      field('rf-year', t('portal.year'), h('input', { type: 'number', id: 'rf-year', 'data-key': 'rf-year', 'data-testid': 'rf-year', min: '2000', value: String(f.year),
        onInput: (e) => { f.year = e.target.value; } })),
      field('rf-visibility', t('portal.visibility'), select('rf-visibility', f.visibility, [['public', t('vis.public')], ['states', t('vis.states')]], (v) => { f.visibility = v; })),
      field('rf-nothing', t('field.nothing_new_since'), h('input', { type: 'number', id: 'rf-nothing', 'data-key': 'rf-nothing', min: '2000', value: f.nothing_new || '',
        onInput: (e) => { f.nothing_new = e.target.value; } })),
      area('summary', 'summary', t('field.summary')),
      area('norms', 'norms', t('report.norms'), 'portal.lines_help'),
      area('cbm', 'cbm', t('report.cbm'), 'portal.lines_help'),
      area('needs', 'needs', t('field.needs'), 'portal.themes_help'),
      area('offers', 'offers', t('field.offers'), 'portal.themes_help'),
      area('law', 'law', t('report.international_law')),
      area('threats', 'threats', t('report.threat_assessment')),
      area('contacts', 'contacts', t('report.contacts'), 'portal.contacts_help'),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'rf-submit' }, t('portal.submit'))));
  }

  // Sharing a document: POST /documents with the reader's own token (the
  // server decides the file's type from its bytes).
  async function share(form) {
    const body = new FormData(form);
    for (const [k, v] of [...body.entries()]) if (v === '' || (v instanceof File && !v.name)) body.delete(k);
    try {
      const res = await fetch('/documents', { method: 'POST', body, headers: { Authorization: `Bearer ${ctx.token}` } });
      const reply = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(reply.error?.message || String(res.status));
      ui.error = null;
      announce(t('portal.uploaded', { title: reply.document.title }));
      ui.share = {};
      shareFile.value = '';
      await search();
    } catch (err) {
      ui.error = err.message;
      announce(ui.error, true);
      draw();
    }
  }

  function shareCard() {
    const f = ui.share;
    const opt = (v, label, cur) => h('option', { value: v, selected: v === cur }, label);
    const text = (id, key, attrs) => h('input', { id, name: key, 'data-key': id, 'data-testid': id, value: f[key] || '', ...attrs,
      onInput: (e) => { f[key] = e.target.value; } });
    const pick = (id, key, options) => h('select', { id, name: key, 'data-key': id, 'data-testid': id, onChange: (e) => { f[key] = e.target.value; } },
      options.map(([v, label]) => opt(v, label, f[key])));
    return h('section', { class: 'card', 'aria-labelledby': 'share-h', 'data-testid': 'share' },
      h('h2', { id: 'share-h' }, t('portal.share')),
      h('form', { class: 'proc-form', onSubmit: (e) => { e.preventDefault(); share(e.target); } },
        field('sh-title', t('portal.doc_title'), text('sh-title', 'title', { type: 'text', required: true, maxlength: '255' })),
        field('sh-kind', t('portal.kind'), pick('sh-kind', 'kind', shareKinds().map((k) => [k, t(`doc.${k}`)]))),
        field('sh-language', t('portal.language'), pick('sh-language', 'language', LANGS.map((l) => [l, l]))),
        field('sh-visibility', t('portal.visibility'), pick('sh-visibility', 'visibility', [['public', t('vis.public')], ['states', t('vis.states')]])),
        field('sh-abstract', t('portal.abstract'), h('textarea', { id: 'sh-abstract', name: 'abstract', 'data-key': 'sh-abstract', rows: 2, maxlength: '4000',
          onInput: (e) => { f.abstract = e.target.value; } }, f.abstract || '')),
        field('sh-file', t('portal.file'), shareFile),
        field('sh-url', t('portal.url'), text('sh-url', 'url', { type: 'url' })),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'sh-submit' }, t('portal.upload'))));
  }

  function draw() {
    render($('#main'),
      h('h1', {}, t('portal.title')),
      h('p', { class: 'error', role: 'alert', 'data-testid': 'action-error', hidden: !ui.error }, ui.error || ''),
      cycleCard(), mayReport() ? submitCard() : null, searchCard(),
      shareKinds().length ? shareCard() : null, synthesisCard(), compareCard());
  }

  onLanguage(draw);
  draw();
  ui.status = (await call('report.status', {})) || { states: [], statistics: [], first_year: ui.cycle };
  await search();
  client.onEvent?.((ev) => { if (ev.ev === 'report.reminder') call('report.status', {}).then((r) => { if (r) { ui.status = r; draw(); } }); });
  draw();
}

main();
