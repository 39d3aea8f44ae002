// The portal in the browser against the real plenaryd: a State's delegate
// sees the reporting cycle with the submissions chart, finds a document by a
// word of its file (and an observer does not find one for States only), reads
// the synthesis with its match, and compares three States' latest national
// reports side by side, section by section; axe-core on the page.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, until, tearDown } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const YEAR = new Date().getUTCFullYear();

async function upload(server, token, fields, name, text) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([text], { type: 'application/octet-stream' }), name);
  const res = await fetch(`${server.url}/documents`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).document;
}

describe('the portal', () => {
  let server;
  let cast;
  let browser;
  let kenya;
  const pages = [];
  const open = async (token) => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    pages.push(page);
    await page.goto(`${server.url}/portal.html#token=${encodeURIComponent(token)}`);
    await page.locator('[data-testid="cycle-table"]').waitFor();
    return page;
  };

  before(async () => {
    server = await startServer();
    cast = await setupMeeting(server);
    const adm = await Rpc.open(server.url, server.adminToken);
    kenya = (await adm.call('delegation.create', { name: 'Kenya', kind: 'state', tz: 'Africa/Nairobi', group: 'african' })).delegation;
    const cb = (needs, offers) => ({ needs: needs.map((t) => ({ theme: t })), offers: offers.map((t) => ({ theme: t })) });
    await adm.call('report.submit', { delegation: kenya.id, year: YEAR, sections: {
      cbm: { measures: ['Kenyan hotline exercise'] }, capacity_building: cb(['Incident response'], []) } });
    adm.close();
    const brazil = await Rpc.open(server.url, cast.delegateA.token);
    await brazil.call('report.submit', { year: YEAR, sections: {
      cover: { nothing_new_since: YEAR - 2 }, cbm: { measures: ['Brazilian points of contact'] } } });
    brazil.close();
    const japan = await Rpc.open(server.url, cast.delegateB.token);
    await japan.call('report.submit', { year: YEAR, sections: {
      norms: { implemented: ['Japanese norm 13(g)'] }, capacity_building: cb([], ['incident RESPONSE']) } });
    japan.close();
    await upload(server, cast.delegateA.token, { title: 'Capacity paper', kind: 'working_paper', language: 'en' },
      'paper.md', '# Findings\n\nThe okapi programme trained forty responders.\n');
    await upload(server, cast.delegateA.token, { title: 'Restricted note', kind: 'statement', language: 'en', visibility: 'states' },
      'note.txt', 'okapi for States\n');
    browser = await launchBrowser();
  });

  after(() => tearDown({ pages, browser, server }));

  it('a delegate sees the cycle, searches, reads the synthesis and compares three States', async () => {
    const page = await open(cast.delegateA.token);
    const table = page.locator('[data-testid="cycle-table"]');
    for (const name of ['Brazil', 'Japan', 'Kenya']) assert.match(await table.textContent(), new RegExp(name));
    await page.locator('[data-testid="chart-submissions"]').waitFor();

    await page.locator('[data-testid="q"]').fill('okapi');
    await page.locator('[data-testid="search-submit"]').click();
    await page.locator('[data-testid="result"]').nth(1).waitFor();
    assert.equal(await page.locator('[data-testid="result"]').count(), 2);
    assert.equal(await page.locator('[data-testid="results"] mark').first().textContent(), 'okapi');

    await page.locator('[data-testid="synthesis-submit"]').click();
    const matches = page.locator('[data-testid="matches"]');
    await matches.waitFor();
    assert.match(await matches.textContent(), /Kenya.*Japan/s);

    await page.selectOption('[data-testid="pick-0"]', { label: 'Brazil' });
    await page.selectOption('[data-testid="pick-1"]', { label: 'Japan' });
    await page.selectOption('[data-testid="pick-2"]', { label: 'Kenya' });
    await page.locator('[data-testid="compare-submit"]').click();
    const cmp = page.locator('[data-testid="compare-table"]');
    await cmp.waitFor();
    const heads = await cmp.locator('thead th').allTextContents();
    assert.deepEqual(heads.map((x) => x.replace(/ \(\d+\)$/, '')), ['Section', 'Brazil', 'Japan', 'Kenya']);
    const cells = async (sec) => cmp.locator(`tr[data-section="${sec}"] td`).allTextContents();
    const cbm = await cells('cbm');
    assert.match(cbm[0], /Brazilian points of contact/);
    assert.match(cbm[2], /Kenyan hotline exercise/);
    assert.match((await cells('norms'))[1], /Japanese norm 13\(g\)/);
    assert.match((await cells('cover'))[0], new RegExp(String(YEAR - 2)));
    await screenshot(page, 'portal-compare-en');
    await page.selectOption('#lang', 'ar');
    await page.locator('[data-testid="compare-table"]').waitFor();
    await screenshot(page, 'portal-compare-ar');
    await page.selectOption('#lang', 'en');
    assert.deepEqual(page.errors, []);
  });

  it('an observer shares a paper from the page; a State is reminded on its home page', async () => {
    const page = await open(cast.observer.token);
    await page.locator('[data-testid="sh-title"]').fill('Observer brief');
    await page.selectOption('[data-testid="sh-kind"]', 'research_paper');
    await page.locator('[data-testid="sh-file"]').setInputFiles({ name: 'brief.md', mimeType: 'text/markdown',
      buffer: Buffer.from('# Brief\n\nOn the pangolin trade in routers.\n') });
    await page.locator('[data-testid="sh-submit"]').click();
    // The form is cleared when the upload is taken: typing before then would
    // be typing into a form about to be emptied.
    await until(async () => (await page.locator('[data-testid="sh-title"]').inputValue()) === '', 'the form emptied by the upload');
    await page.locator('[data-testid="q"]').fill('pangolin');
    await page.locator('[data-testid="search-submit"]').click();
    await page.locator('[data-testid="result"]', { hasText: 'Observer brief' }).waitFor();
    // an executable is refused with the server's reason
    await page.locator('[data-testid="sh-title"]').fill('Not a PDF');
    await page.selectOption('[data-testid="sh-kind"]', 'working_paper');
    await page.locator('[data-testid="sh-file"]').setInputFiles('/bin/true');
    // a redraw (here a change of language) keeps the title, the kind and the file
    await page.selectOption('#lang', 'ar');
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    await page.selectOption('#lang', 'en');
    assert.equal(await page.locator('[data-testid="sh-title"]').inputValue(), 'Not a PDF');
    assert.equal(await page.locator('[data-testid="sh-kind"]').inputValue(), 'working_paper');
    await page.locator('[data-testid="sh-submit"]').click();
    await page.locator('[data-testid="action-error"]', { hasText: 'PDF, ODT, DOCX' }).waitFor();
    page.errors.length = 0; // the browser logs the 415
    // the cycle begins six years back: Chile, which never reported, is overdue
    const adm = await Rpc.open(server.url, server.adminToken);
    const chile = (await adm.call('delegation.create', { name: 'Chile', kind: 'state', tz: 'America/Santiago', group: 'latin_american_caribbean' })).delegation;
    const delegate = await adm.call('participant.invite', { delegation: chile.id, name: 'Camila Rojas', role: 'delegate' });
    const home = await newPage(browser, {});
    pages.push(home);
    await home.goto(`${server.url}/#token=${encodeURIComponent(delegate.token)}`);
    await home.locator('h1').waitFor();
    assert.equal(await home.locator('[data-testid="report-reminder"]').count(), 0);
    await adm.call('report.rotation', { first_year: YEAR - 6, groups: { [chile.id]: 'even' } });
    adm.close();
    const note = home.locator('[data-testid="report-reminder"]');
    await note.waitFor(); // on the reminder's event, without a reload
    assert.match(await note.textContent(), new RegExp(`${YEAR - 6 + (YEAR % 2)}.*overdue`));
  });

  it('an observer does not find a document for States only', async () => {
    const page = await open(cast.observer.token);
    await page.locator('[data-testid="q"]').fill('okapi');
    await page.locator('[data-testid="search-submit"]').click();
    // The page opens on every document it may list: the search's answer
    // replaces that list when it comes (counted at once, it raced it).
    await until(async () => (await page.locator('[data-testid="result"]').count()) === 1, 'one result for okapi');
    assert.doesNotMatch(await page.locator('[data-testid="results"]').textContent(), /Restricted note/);
  });

  it('a State submits its report from the template form and reads it as a printable page', async () => {
    const page = await open(cast.delegateB.token);
    await page.locator('[data-testid="rf-year"]').fill(String(YEAR + 1));
    await page.locator('[data-testid="rf-cbm"]').fill('Hotline drill\nRegional exercise');
    await page.locator('[data-testid="rf-needs"]').fill('Forensics: lab training');
    await page.locator('[data-testid="rf-contacts"]').fill('K. Sato, focal point, ks@example.org');
    await page.locator('[data-testid="rf-submit"]').click();
    // Japan's row shows the new report as its last
    await page.locator('[data-testid="cycle-table"] tr', { hasText: 'Japan' }).filter({ hasText: String(YEAR + 1) }).waitFor();
    const rpc = await Rpc.open(server.url, cast.delegateB.token);
    const latest = (await rpc.call('report.compare', { delegations: [cast.delegateB.hello?.delegation?.id || rpc.hello.delegation.id] })).compare[0].report;
    rpc.close();
    assert.equal(latest.year, YEAR + 1);
    assert.deepEqual(latest.sections.cbm, { measures: ['Hotline drill', 'Regional exercise'] });
    assert.deepEqual(latest.sections.capacity_building.needs, [{ theme: 'Forensics', description: 'lab training' }]);
    const view = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    pages.push(view);
    await view.goto(`${server.url}/report.html?report=${latest.id}#token=${encodeURIComponent(cast.delegateB.token)}`);
    const art = view.locator('[data-testid="report"]');
    await art.waitFor();
    assert.match(await art.locator('h1').textContent(), new RegExp(`Japan.*${YEAR + 1}`));
    assert.match(await art.locator('[data-section="cbm"]').textContent(), /Hotline drill.*Regional exercise/s);
    assert.match(await art.locator('[data-section="capacity_building"]').textContent(), /Forensics — lab training/);
    assert.match(await art.locator('[data-section="contacts"]').textContent(), /K\. Sato — focal point <ks@example\.org>/);
    await view.emulateMedia({ media: 'print' });
    assert.equal(await view.locator('#top').isVisible(), false);
    assert.equal(await art.locator('h1').isVisible(), true);
    await screenshot(view, 'portal-report-print');
    await view.emulateMedia({ media: 'screen' });
    await view.evaluate(AXE);
    const result = await view.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    assert.deepEqual(result.violations.map((v) => v.id), []);
  });

  it('portal.html has no WCAG A/AA violations', async () => {
    const page = await open(cast.delegateB.token);
    await page.locator('[data-testid="results"]').waitFor();
    await page.evaluate(AXE);
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    assert.deepEqual(found, [], found.join('\n  '));
  });
});
