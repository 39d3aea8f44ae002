// Decisions by non-objection in the browser against the real plenaryd: the
// secretariat's written procedure from decisions.html, a State's objection
// with its amendment, the failed result on every page; the chair's "Is there
// any objection?" at a meeting, adopted by silence; an application through a
// link the secretariat issued; axe-core on the new pages; screenshots in en, ar
// and zh at a laptop's and a phone's width.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, until, tearDown } from './harness.mjs';

const require = createRequire(import.meta.url);
// The live region is written a tick after the change it announces (shell.js,
// announce), so it is waited for, not read at once.
const announced = (page, re) => until(async () => re.test(await page.locator('#live').textContent()), `#live saying ${re}`);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SIZES = { laptop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } };

async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** A datetime-local value (with seconds) in zone tz for the instant ms. */
function localValue(ms, tz) {
  const p = {};
  for (const x of new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms))) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** Screenshots of a page in en, ar and zh at both widths, back to en at the laptop's. */
async function shots(page, name) {
  for (const lang of ['en', 'ar', 'zh']) {
    await page.selectOption('#lang', lang);
    for (const [size, vp] of Object.entries(SIZES)) {
      await page.setViewportSize(vp);
      await screenshot(page, `decisions-${name}-${lang}-${size}`);
    }
  }
  await page.selectOption('#lang', 'en');
  await page.setViewportSize(SIZES.laptop);
}

describe('decisions by non-objection', () => {
  let server;
  let cast;
  let browser;
  let kenya;
  const pages = [];
  const open = async (who, path) => {
    const page = await newPage(browser, { viewport: SIZES.laptop });
    pages.push(page);
    await page.goto(`${server.url}${path}#token=${encodeURIComponent(who)}`);
    return page;
  };

  before(async () => {
    server = await startServer();
    cast = await setupMeeting(server);
    const adm = await Rpc.open(server.url, server.adminToken);
    const d = (await adm.call('delegation.create', { name: 'Kenya', kind: 'state', tz: 'Africa/Nairobi', group: 'african' })).delegation;
    kenya = await adm.call('participant.invite', { delegation: d.id, name: 'Wanjiru Kamau', role: 'delegate' });
    adm.close();
    browser = await launchBrowser();
  });

  after(() => tearDown({ pages, browser, server }));

  it('secretariat starts a written procedure; Kenya objects with an amendment; it fails on every page', async () => {
    const sec = await open(server.adminToken, '/decisions.html');
    await sec.locator('[data-testid="start-procedure"]').waitFor();
    await sec.locator('[data-testid="start-title"]').fill('Draft final report of the annual meeting');
    await sec.locator('[data-testid="start-text"]').fill('The annual meeting adopts its final report as contained in document A/AC.1/2027/L.1.');
    // Long enough for Kenya to object before it on a loaded machine (at 25 s,
    // under tools/check's parallel load, the objection came too late).
    const deadline = Date.now() + 40000;
    await sec.locator('[data-testid="start-deadline"]').fill(localValue(deadline, 'Europe/Zurich'));
    await sec.locator('[data-testid="start-submit"]').click();
    const card = sec.locator('[data-testid="open-procedures"] [data-testid="procedure"]');
    await card.first().waitFor();
    assert.match(await card.first().locator('[data-testid="deadline"]').textContent(), /Europe\/Zurich.*UTC/s);

    const del = await open(kenya.token, '/decisions.html');
    const mine = del.locator('[data-testid="open-procedures"] [data-testid="procedure"]').first();
    await mine.waitFor();
    assert.match(await mine.locator('[data-testid="deadline"]').textContent(), /Africa\/Nairobi/);
    const c1 = await mine.locator('[data-testid="countdown"]').textContent();
    assert.match(c1, /^0:([0-3]\d|40)$/, `a countdown of 40 s at most: ${c1}`);
    await mine.locator('[data-testid="object"]').click();
    await mine.locator('[data-testid="reason"]').fill('Paragraph 4 prejudges the review conference.');
    await mine.locator('[data-testid="amendment"]').fill('Delete paragraph 4.');
    await mine.locator('[data-testid="object-submit"]').click();
    await mine.locator('[data-testid="withdraw-objection"]').waitFor();
    await sec.locator('[data-testid="objections"]').getByText('Paragraph 4 prejudges').waitFor();

    const obs = await open(cast.observer.token, '/decisions.html');
    await obs.locator('[data-testid="procedure"]').first().waitFor();
    assert.equal(await obs.locator('[data-testid="object"]').count(), 0, 'an observer cannot object');
    await shots(del, 'delegate');
    await shots(obs, 'observer');
    await shots(sec, 'secretariat');

    for (const page of [sec, del, obs]) {
      const result = page.locator('[data-testid="closed-procedures"] [data-testid="result"]').first();
      await result.waitFor({ timeout: Math.max(1000, deadline - Date.now() + 8000) });
      assert.match(await result.textContent(), /Not adopted.*Objection by Kenya/s);
    }
    assert.match(await del.locator('[data-testid="closed-procedures"] [data-testid="objections"]').textContent(), /Kenya.*Delete paragraph 4/s);
    await announced(del, /not adopted/);
    await screenshot(del, 'decisions-delegate-closed');
  });

  it('whoever started a procedure, or the secretariat, extends it; nobody else is offered to', async () => {
    const sec = await open(server.adminToken, '/decisions.html');
    await sec.locator('[data-testid="start-procedure"]').waitFor();
    await sec.locator('[data-testid="start-title"]').fill('Accreditation round of December');
    await sec.locator('[data-testid="start-text"]').fill('The applications received by 30 November.');
    await sec.locator('[data-testid="start-deadline"]').fill(localValue(Date.now() + 3600e3, 'Europe/Zurich'));
    await sec.locator('[data-testid="start-submit"]').click();
    const card = sec.locator('[data-testid="open-procedures"] [data-testid="procedure"]', { hasText: 'Accreditation round' });
    await card.waitFor();
    const before = Number(await card.locator('[data-testid="countdown"]').getAttribute('data-deadline'));
    await card.locator('[data-testid="extend-by"]').selectOption(String(86400e3));
    await card.locator('[data-testid="extend"]').click();
    await sec.waitForFunction((b) => [...document.querySelectorAll('[data-testid="countdown"]')]
      .some((el) => Number(el.dataset.deadline) === b + 86400e3), before);
    await announced(sec, /deadline of Accreditation round of December is now/);
    const del = await open(kenya.token, '/decisions.html');
    const theirs = del.locator('[data-testid="procedure"]', { hasText: 'Accreditation round' });
    await theirs.waitFor();
    assert.equal(await theirs.locator('[data-testid="extend"]').count(), 0, 'a delegate who did not start it');
  });

  it('the chair asks "is there any objection?" at the meeting; silence adopts it there', async () => {
    const m = encodeURIComponent(cast.meeting.id);
    const chair = await open(cast.chair.token, `/meeting.html?meeting=${m}&presence=room`);
    const del = await open(cast.delegateA.token, `/meeting.html?meeting=${m}&presence=room`);
    await chair.locator('[data-testid="any-objection"]').waitFor();
    await del.locator('[data-testid="floor"]').waitFor();
    await chair.locator('[data-testid="obj-title"]').fill('Draft decision L.2 on the programme of work');
    await chair.locator('[data-testid="obj-text"]').fill('The meeting adopts the programme of work.');
    await chair.locator('[data-testid="obj-secs"]').selectOption('10');
    await chair.locator('[data-testid="obj-start"]').click();
    const panel = del.locator('[data-testid="meeting-decisions"]');
    await panel.locator('[data-testid="countdown"]').waitFor();
    await panel.locator('[data-testid="object"]').waitFor(); // Brazil may object
    await announced(del, /any objection/);
    await screenshot(del, 'meeting-any-objection');
    for (const page of [chair, del]) {
      const result = page.locator('[data-testid="meeting-decisions"] [data-testid="result"]');
      await result.waitFor({ timeout: 16000 });
      assert.match(await result.textContent(), /Adopted by silence/);
    }
  });

  it('an applicant applies from a link the secretariat issued; the link then says it is used', async () => {
    const sec = await open(server.adminToken, '/decisions.html');
    await sec.locator('[data-testid="issue-link"]').click();
    const link = await sec.locator('[data-testid="app-link"]').inputValue();
    assert.match(link, /\/apply\.html#token=/);
    const app = await newPage(browser, { viewport: SIZES.laptop });
    pages.push(app);
    await app.goto(link);
    await app.locator('[data-testid="apply-form"]').waitFor();
    assert.ok(!app.url().includes('token'), 'the token leaves the address bar');
    assert.equal(await app.evaluate(() => localStorage.getItem('plenary.token')), null, 'not a participant token');
    for (const lang of ['en', 'ar', 'zh']) {
      await app.selectOption('#lang', lang);
      for (const [size, vp] of Object.entries(SIZES)) { await app.setViewportSize(vp); await screenshot(app, `apply-${lang}-${size}`); }
    }
    await app.selectOption('#lang', 'en');
    assert.deepEqual(await violations(app), []);
    await app.locator('[data-testid="apply-name"]').fill('Cyber Peace Institute');
    await app.locator('[data-testid="apply-kind-ngo"]').check();
    await app.locator('[data-testid="apply-tz"]').selectOption('Europe/Zurich');
    await app.locator('[data-testid="apply-contact"]').fill('office@example.org');
    await app.locator('[data-testid="apply-justification"]').fill('We work on ICT security capacity building.');
    await app.locator('[data-testid="apply-website"]').fill('https://example.org');
    await app.locator('[data-testid="apply-submit"]').click();
    await app.locator('[data-testid="apply-done"]').waitFor();
    await screenshot(app, 'apply-done');
    const row = sec.locator('[data-testid="applications-table"]').getByText('Cyber Peace Institute');
    await row.waitFor();
    assert.match(await sec.locator('[data-testid="applications-table"]').textContent(), /office@example\.org.*Pending/s);

    const again = await newPage(browser, { viewport: SIZES.laptop });
    pages.push(again);
    await again.goto(link);
    await again.locator('[data-testid="refused"]').waitFor();
    assert.match(await again.locator('main').textContent(), /used already/);
    again.errors.length = 0; // the refused hello is logged by the browser
  });

  for (const [name, who] of [['delegate', () => kenya.token], ['observer', () => cast.observer.token], ['secretariat', () => server.adminToken]]) {
    it(`decisions.html has no WCAG A/AA violations: ${name}`, async () => {
      const page = await open(who(), '/decisions.html');
      await page.locator('[data-testid="closed-procedures"] [data-testid="procedure"]').first().waitFor();
      if (name === 'delegate') await page.locator('[data-testid="bureau"]').waitFor();
      const found = await violations(page);
      assert.deepEqual(found, [], `${name}:\n  ${found.join('\n  ')}`);
    });
  }
});
