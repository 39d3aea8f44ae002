// The accreditation application: an organization opens the one-time link the
// secretariat issued (apply.html#token=...), says hello with it and applies
// once. Its token is kept apart from a participant's (session.js), and the
// connection is closed for good once the application is in: the link is spent.

import { h, render, $ } from '../dom.js';
import { t, onLanguage } from '../i18n.js';
import { boot, announce, errorText } from '../shell.js';
import { takeApplicantToken, forgetApplicantToken } from '../session.js';

const KINDS = ['organization', 'ngo', 'expert'];
const REFUSED = { title: 'apply.refused_title', body: 'apply.refused_body', banner: 'apply.refused_title' };

function zones() {
  let list = [];
  try { list = Intl.supportedValuesOf('timeZone'); } catch { /* an older browser: UTC and the browser's own */ }
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return [...new Set([...list, 'UTC', mine].filter(Boolean))].sort();
}

async function main() {
  const ctx = await boot({ page: 'apply', links: [], takeToken: takeApplicantToken, refused: REFUSED });
  if (!ctx) return;
  const { client } = ctx;
  const form = { kind: 'organization', tz: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
  const state = { busy: false, error: null, done: null };
  const tzList = zones();

  const field = (id, key, label, attrs = {}, opts = {}) => h('div', { class: 'field' },
    h('label', { for: id }, label, opts.optional ? [' ', h('span', { class: 'muted' }, t('form.optional'))] : null),
    h(opts.tag || 'input', { id, name: key, 'data-key': id, 'data-testid': id, required: !opts.optional,
      ...(opts.tag ? {} : { type: 'text', value: form[key] || '' }), ...attrs,
      onInput: (e) => { form[key] = e.target.value; } }, opts.tag ? form[key] || '' : null),
    opts.help ? h('span', { id: `${id}-help`, class: 'muted hint' }, opts.help) : null);

  async function submit(ev) {
    ev.preventDefault();
    state.busy = true; draw();
    const args = { name: form.name || '', kind: form.kind, tz: form.tz, contact: form.contact || '', justification: form.justification || '' };
    if (form.website) args.website = form.website.trim();
    try {
      const reply = await client.request('accreditation.apply', args);
      state.done = reply.application;
      state.error = null;
      forgetApplicantToken();
      client.stop();
      announce(t('apply.done_title'));
    } catch (err) {
      state.error = errorText(err);
      announce(state.error, true);
    }
    state.busy = false;
    draw();
  }

  function draw() {
    if (state.done) {
      render($('#main'), h('section', { class: 'card apply-done', 'data-testid': 'apply-done' },
        h('h1', {}, t('apply.done_title')),
        h('p', {}, t('apply.done_body', { name: state.done.name })),
        h('p', { class: 'muted' }, t('apply.done_ref', { id: state.done.id }))));
      $('#main').focus();
      return;
    }
    render($('#main'),
      h('h1', {}, t('apply.title')),
      h('p', { class: 'lead' }, t('apply.hello')),
      h('p', { class: 'muted' }, t('apply.intro')),
      h('form', { class: 'card apply-form', 'data-testid': 'apply-form', onSubmit: submit },
        field('apply-name', 'name', t('apply.name'), { maxlength: '200', autocomplete: 'organization' }),
        h('fieldset', { class: 'kinds' }, h('legend', {}, t('apply.kind')),
          KINDS.map((k) => h('div', { class: 'choice' },
            h('input', { type: 'radio', name: 'kind', id: `apply-kind-${k}`, value: k, checked: form.kind === k, 'data-key': `kind-${k}`,
              'data-testid': `apply-kind-${k}`, onChange: () => { form.kind = k; } }),
            h('label', { for: `apply-kind-${k}` }, t(`apply.kind.${k}`))))),
        h('div', { class: 'field' }, h('label', { for: 'apply-tz' }, t('apply.tz')),
          h('select', { id: 'apply-tz', 'data-key': 'apply-tz', 'data-testid': 'apply-tz', onChange: (e) => { form.tz = e.target.value; } },
            tzList.map((z) => h('option', { value: z, selected: z === form.tz }, z)))),
        field('apply-contact', 'contact', t('apply.contact'), { maxlength: '200', autocomplete: 'email', 'aria-describedby': 'apply-contact-help' },
          { help: t('apply.contact_help') }),
        field('apply-justification', 'justification', t('apply.justification'), { rows: 5, maxlength: '4000' }, { tag: 'textarea' }),
        field('apply-website', 'website', t('apply.website'), { type: 'url', placeholder: 'https://', autocomplete: 'url', inputmode: 'url', dir: 'ltr' },
          { optional: true }),
        h('p', { class: 'error', role: 'alert', 'data-testid': 'apply-error', hidden: !state.error }, state.error || ''),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'apply-submit', 'data-key': 'apply-submit', disabled: state.busy },
          t('apply.submit'))));
  }

  onLanguage(draw);
  draw();
}

main();
