// The secretariat console from an empty database, against the real plenaryd:
// load the 193 Member States (twice: nothing twice), create an observer
// organization, invite a chair, two delegates and an observer, create a hybrid
// meeting with a stakeholder item and 4-minute statements, plan a programme
// year, import an .ics, ask for fair times; then the delegate's invite link,
// in another browser context, joins and asks for the floor, and the chair's
// gives it; revoking the delegate closes their page with a clear message.
// axe-core on every section; screenshots in en and ar at 1280x800 and 375x812.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, newPage, screenshot, Rpc } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SIZES = { laptop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } };
const SECTIONS = ['delegations', 'participants', 'meetings', 'fair'];

async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

function tomorrow(tz) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(Date.now() + 86400000));
}

const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//console//EN', 'BEGIN:VEVENT', 'UID:console-import-1@test',
  'DTSTAMP:20270101T000000Z', 'DTSTART:20270910T080000Z', 'DTEND:20270910T100000Z', 'SUMMARY:Imported briefing',
  'END:VEVENT', 'BEGIN:VEVENT', 'UID:console-import-2@test', 'DTSTAMP:20270101T000000Z', 'DTSTART;VALUE=DATE:20270911',
  'SUMMARY:Holiday', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

describe('the secretariat console', () => {
  let server;
  let browser;
  let page;
  let rpc;
  const links = {};
  const ids = {};

  const tab = async (name) => {
    await page.locator(`[data-testid="tab-${name}"]`).click();
    await page.locator(`[data-testid="section-${name}"]`).waitFor();
  };
  const delegationId = async (name) => (await rpc.call('delegation.list')).delegations.find((d) => d.name === name).id;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    rpc = await Rpc.open(server.url, server.adminToken);
    page = await newPage(browser, { viewport: SIZES.laptop });
    page.on('dialog', (d) => d.accept());
  });

  after(async () => {
    rpc?.close();
    await browser?.close();
    await server?.stop();
  });

  it('opens from the first start\'s admin link, with a clear name and a link from home', async () => {
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.adminToken)}`);
    await page.locator('[data-testid="console-link"]').click();
    await page.locator('[data-testid="section-delegations"]').waitFor();
    const who = await page.locator('header .who').textContent();
    assert.match(who, /Programme administrator/);
    assert.doesNotMatch(who, /Secretariat · Secretariat · Secretariat/);
  });

  it('loads the 193 Member States once, paced, with a progress bar', async () => {
    await page.locator('[data-testid="load-states"]').click();
    await page.locator('[data-testid="states-progress"]').waitFor();
    await page.locator('[data-testid="states-done"]').waitFor({ timeout: 60000 });
    assert.equal((await rpc.call('delegation.list')).delegations.length, 194);
    await page.locator('[data-testid="load-states"]').click();
    await page.locator('[data-testid="states-done"]').getByText('nothing was created').waitFor({ timeout: 20000 });
    assert.equal((await rpc.call('delegation.list')).delegations.length, 194);
    const kenya = (await rpc.call('delegation.list')).delegations.find((d) => d.name === 'Kenya');
    assert.equal(kenya.group, 'african');
    assert.equal(kenya.tz, 'Africa/Nairobi');
  });

  it('creates an observer organization', async () => {
    await page.fill('#d-name', 'African Union Commission');
    await page.selectOption('#d-kind', 'organization');
    await page.fill('#d-tz', 'Africa/Addis_Ababa');
    await page.locator('[data-testid="delegation-create"]').click();
    await page.fill('#d-filter', 'African Union'); // the list shows 25 until "show all"
    await page.locator('[data-testid="delegations"]').getByText('African Union Commission').waitFor();
    assert.equal(await page.locator('[data-testid="delegations"] tbody tr').count(), 1);
    ids.au = await delegationId('African Union Commission');
  });

  it('invites a chair, two delegates and an observer, each with a link and a QR code', async () => {
    await tab('participants');
    ids.sec = await delegationId('Secretariat');
    ids.kenya = await delegationId('Kenya');
    ids.brazil = await delegationId('Brazil');
    const invite = async (key, name, role, delegation) => {
      await page.fill('#i-name', name);
      await page.selectOption('#i-role', role);
      await page.selectOption('#i-delegation', delegation);
      await page.locator('[data-testid="invite"]').click();
      const card = page.locator('.invitation').filter({ hasText: name });
      await card.locator('[data-testid="invite-link"]').waitFor();
      links[key] = await card.locator('[data-testid="invite-link"]').textContent();
      assert.ok(links[key].startsWith(`${server.url}/#token=`), links[key]);
      assert.equal(await card.locator('[data-testid="qr"]').count(), 1);
    };
    await invite('chair', 'Ambassador Amina Diallo', 'chair', ids.sec);
    await invite('kenya', 'Wanjiru Kamau', 'delegate', ids.kenya);
    await invite('brazil', 'Ana Souza', 'delegate', ids.brazil);
    await invite('au', 'Tesfaye Bekele', 'observer', ids.au);
    const list = (await rpc.call('participant.list')).participants;
    ids.chair = list.find((p) => p.name === 'Ambassador Amina Diallo').id;
    ids.wanjiru = list.find((p) => p.name === 'Wanjiru Kamau').id;
    assert.equal(await page.locator('[data-testid="participants"] tbody tr').count(), 5);
  });

  it('creates a hybrid meeting with a stakeholder item and 4-minute statements', async () => {
    await tab('meetings');
    const day = tomorrow('Europe/Zurich');
    await page.fill('#m-title', 'Thematic meeting on capacity building');
    await page.selectOption('#m-kind', 'thematic');
    await page.selectOption('#m-format', 'hybrid');
    await page.fill('#m-tz', 'Europe/Zurich');
    await page.fill('#m-start', `${day}T10:00`);
    await page.fill('#m-end', `${day}T13:00`);
    await page.selectOption('#m-pillar', 'capacity_building');
    await page.selectOption('#m-chair', ids.chair);
    await page.fill('#m-location', 'Conference Room XIX');
    await page.fill('#m-video_url', 'https://video.example.org/cb');
    await page.fill('#it-title-0', 'General exchange of views');
    await page.locator('[data-testid="item-add"]').click();
    await page.fill('#it-title-1', 'Statements by stakeholders');
    await page.check('#it-stake-1');
    assert.equal(await page.locator('#pol-statement_s').inputValue(), '300');
    await page.fill('#pol-statement_s', '240');
    await page.locator('[data-testid="meeting-save"]').click();
    await page.locator('[data-testid="meetings"]').getByText('Thematic meeting on capacity building').waitFor();
    const m = (await rpc.call('meeting.list')).meetings.find((x) => x.title === 'Thematic meeting on capacity building');
    assert.equal(m.policy.statement_s, 240);
    assert.equal(m.format, 'hybrid');
    assert.equal(m.chair, ids.chair);
    assert.deepEqual(m.items.map((i) => i.kind), ['general', 'stakeholder']);
    ids.meeting = m.id;
  });

  it('plans a programme year and imports an .ics', async () => {
    await page.fill('#pl-first', '2028');
    await page.fill('#pl-years', '1');
    await page.locator('[data-testid="plan"]').click();
    await page.locator('[data-testid="planned"]').waitFor();
    await page.setInputFiles('#ics-file', { name: 'briefing.ics', mimeType: 'text/calendar', buffer: Buffer.from(ICS) });
    // the preview says what each event would become, and imports nothing
    await page.locator('[data-testid="import-preview"]').click();
    await page.locator('[data-testid="import-preview-status"]').waitFor();
    assert.equal(await page.locator('[data-testid="import-row-0"]').getAttribute('data-action'), 'create');
    assert.equal(await page.locator('[data-testid="import-row-1"]').getAttribute('data-action'), 'skip');
    assert.match(await page.locator('[data-testid="import-row-1"]').innerText(), /all-day event/);
    assert.equal(await page.locator('[data-testid="meetings"]').getByText('Imported briefing').count(), 0);
    await page.locator('[data-testid="import"]').click();
    await page.locator('[data-testid="imported"]').waitFor();
    await page.locator('[data-testid="meetings"]').getByText('Imported briefing').waitFor();
    await screenshot(page, 'console-import');
    // the same file again creates nothing twice
    await page.locator('[data-testid="import"]').click();
    await page.locator('[data-testid="imported"]').getByText(/New: 0/).waitFor();
    assert.equal(await page.locator('[data-testid="meetings"]').getByText('Imported briefing').count(), 1);
  });

  it('asks for fair times and draws them', async () => {
    await tab('fair');
    await page.check('#fg-african');
    await page.check('#fg-asia_pacific');
    await page.fill('#f-from', '2027-03-01');
    await page.fill('#f-to', '2027-03-31');
    await page.fill('#f-series', '3');
    await page.locator('[data-testid="suggest"]').click();
    await page.locator('[data-testid="slot-0"] svg').waitFor({ timeout: 30000 });
    await page.locator('[data-testid="chart-burden-group"]').waitFor();
  });

  it('passes axe-core on every section; screenshots in en and ar', async () => {
    for (const s of SECTIONS) {
      await tab(s);
      assert.deepEqual(await violations(page), [], `axe on ${s}`);
      for (const lang of ['en', 'ar']) {
        await page.selectOption('#lang', lang);
        for (const [size, vp] of Object.entries(SIZES)) {
          await page.setViewportSize(vp);
          await screenshot(page, `console-${s}-${lang}-${size}`);
        }
      }
      await page.selectOption('#lang', 'en');
      await page.setViewportSize(SIZES.laptop);
    }
    assert.deepEqual(page.errors, []);
  });

  it('the delegate\'s link joins and asks for the floor; the chair\'s gives it; revoking closes the delegate\'s page', async () => {
    const chair = await newPage(browser);
    const kenya = await newPage(browser);
    for (const [p, link] of [[chair, links.chair], [kenya, links.kenya]]) {
      await p.goto(link);
      await p.locator('[data-testid="join-room"]').first().click();
      await p.locator('[data-testid="floor"]').waitFor();
    }
    await kenya.locator('[data-testid="request"]').click();
    await chair.locator('[data-testid="queue"] li').first().waitFor();
    await chair.locator('[data-testid="chair-next"]').click();
    await kenya.locator('[data-testid="you-have-floor"]').waitFor();
    await tab('participants');
    await page.locator(`[data-testid="revoke-${ids.wanjiru}"]`).click();
    await kenya.locator('[data-testid="revoked"]').waitFor({ timeout: 10000 });
    assert.match(await kenya.locator('[data-testid="revoked"]').textContent(), /no longer works/);
    await screenshot(kenya, 'console-revoked-delegate-en-laptop');
    const other = await Rpc.open(server.url);
    await assert.rejects(other.call('hello', { token: decodeURIComponent(links.kenya.split('#token=')[1]) }), /unauthenticated/);
    other.close();
  });

  it('is refused to anyone but the secretariat', async () => {
    const chair = await newPage(browser);
    await chair.goto(`${server.url}/console.html#token=${links.chair.split('#token=')[1]}`);
    await chair.locator('[data-testid="not-secretariat"]').waitFor();
    assert.equal(await chair.locator('[data-testid="console-link"]').count(), 0);
  });
});
