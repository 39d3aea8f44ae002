// The flows in headless Chromium against the real plenaryd: a chair,
// two delegates (one remote) and an observer, each in their own browser
// context. Screenshots of each view go to $PLENARY_BUILD/screenshots/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, until, tearDown } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds left on a page's countdown, parsed from "m:ss". */
async function clockSeconds(page) {
  const text = await page.locator('[data-testid="clock"]').first().textContent();
  const m = /(\d+):(\d\d)/.exec(text || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

describe('browser client', () => {
  let server;
  let cast;
  let browser;
  const pages = {};

  before(async () => {
    server = await startServer();
    cast = await setupMeeting(server);
    browser = await launchBrowser();
  });

  after(() => tearDown({ pages, browser, server }));

  it('takes the token out of the address bar and lists the meetings', async () => {
    const page = pages.chair = await newPage(browser);
    await page.goto(`${server.url}/index.html#token=${encodeURIComponent(cast.chair.token)}`);
    await page.getByText('Thematic meeting on capacity building').first().waitFor();
    assert.ok(!page.url().includes('token'), `token still in ${page.url()}`);
    const stored = await page.evaluate(() => localStorage.getItem('plenary.token'));
    assert.equal(stored, cast.chair.token);
    assert.match(await page.locator('header').textContent(), /Amina Diallo/);
    await screenshot(page, '01-home-chair');
  });

  it('joins everyone: chair and A in the room, B and the observer remotely', async () => {
    const join = async (name, token, how) => {
      const page = pages[name] || (pages[name] = await newPage(browser));
      await page.goto(`${server.url}/#token=${encodeURIComponent(token)}`);
      await page.locator(`[data-testid="join-${how}"]`).first().click();
      await page.locator('[data-testid="floor"]').waitFor();
      await page.getByText('Nobody has the floor.').waitFor();
      return page;
    };
    await join('chair', cast.chair.token, 'room');
    await join('a', cast.delegateA.token, 'room');
    await join('b', cast.delegateB.token, 'remote');
    await join('obs', cast.observer.token, 'remote');
    await pages.chair.locator('[data-testid="chair"]').waitFor();
    assert.equal(await pages.a.locator('[data-testid="chair"]').count(), 0, 'a delegate sees no chair console');
    assert.equal(await pages.a.locator('[data-testid="video"]').getAttribute('href'), cast.meeting.video_url);
  });

  it('refuses the observer outside the stakeholder segment, with the reason shown', async () => {
    const obs = pages.obs;
    const blocked = obs.locator('[data-testid="request-blocked"]');
    await blocked.waitFor();
    assert.match(await blocked.textContent(), /stakeholder segment \(Statements by stakeholders\)/);
    assert.ok(await obs.locator('[data-testid="request"]').isDisabled());
    assert.match(await obs.locator('[data-testid="why-point_of_order"]').textContent(), /Only States/);
    assert.ok(await obs.locator('[data-testid="kind-right_of_reply"]').isDisabled());
    await screenshot(obs, '02-observer-refused');
  });

  it('lets both delegates request the floor and tells A they are next', async () => {
    await pages.a.locator('[data-testid="request"]').click();
    await pages.a.locator('[data-testid="queue"] li').first().waitFor();
    await pages.b.locator('[data-testid="req-speaker"]').fill('Yuki Tanaka');
    await pages.b.locator('#req-behalf').selectOption('asia_pacific');
    await pages.b.locator('[data-testid="request"]').click();
    await until(async () => (await pages.chair.locator('[data-testid="queue"] li').count()) === 2, 'two entries on the chair\'s list');
    const names = await pages.chair.locator('[data-testid="queue"] li .name').allTextContents();
    assert.deepEqual(names, ['Ana Souza', 'Yuki Tanaka']);
    await pages.a.locator('[data-testid="you-are-next"]').waitFor();
    assert.match(await pages.b.locator('[data-testid="your-position"]').textContent(), /list: 2 \(1 before you\)/);
    assert.match(await pages.chair.locator('[data-testid="queue"] li').nth(1).textContent(), /on behalf of Asia-Pacific States/);
    // A delegation sees its own entry marked, with withdraw and change-speaker.
    await pages.b.locator('[data-testid="queue"] li.mine [data-testid="withdraw"]').waitFor();
    await screenshot(pages.a, '03-delegate-next');
  });

  it('lets a delegation change its speaker (entry.update)', async () => {
    const b = pages.b;
    await b.locator('li.mine [data-testid="rename"]').click();
    await b.locator('[data-testid="rename-input"]').fill('Kenji Sato');
    await b.locator('[data-testid="rename-input"]').press('Enter');
    await until(async () => (await pages.chair.locator('[data-testid="queue"] li .name').allTextContents()).includes('Kenji Sato'),
      'the new name on the chair\'s list');
  });

  it('gives A the floor with the N shortcut; the countdown runs', async () => {
    await pages.chair.locator('body').click({ position: { x: 5, y: 5 } });
    await pages.chair.keyboard.press('n');
    const a = pages.a;
    await a.locator('[data-testid="you-have-floor"]').waitFor();
    assert.equal(await a.locator('[data-testid="floor-speaker"]').textContent(), 'Ana Souza');
    const s1 = await until(async () => { const v = await clockSeconds(a); return v > 0 && v; }, 'a countdown');
    assert.ok(s1 <= 300 && s1 >= 290, `allotted 5 min, showing ${s1}`);
    await sleep(2200);
    const s2 = await clockSeconds(a);
    assert.ok(s2 < s1, `countdown runs: ${s1} then ${s2}`);
    const live = await until(async () => (await pages.b.locator('#live').textContent()) || null, 'an announcement');
    assert.match(live, /Ana Souza.*has the floor/);
    await screenshot(a, '04-delegate-has-floor');
    await screenshot(pages.chair, '05-chair-console');
  });

  it('pauses and resumes from the console', async () => {
    const chair = pages.chair;
    // By keyboard: the button keeps the focus across the re-render.
    await chair.locator('[data-testid="chair-pause"]').focus();
    await chair.keyboard.press('Enter');
    await pages.a.locator('[data-testid="floor-phase"]').waitFor();
    await until(async () => /Resume/.test(await chair.locator('[data-testid="chair-pause"]').textContent()), 'Resume on the console');
    assert.equal(await chair.evaluate(() => document.activeElement?.dataset.key), 'chair-pause');
    const p1 = await clockSeconds(pages.a);
    await sleep(1300);
    assert.equal(await clockSeconds(pages.a), p1, 'the clock stands still while paused');
    await chair.locator('[data-testid="chair-pause"]').click();
    await pages.a.locator('[data-testid="floor-phase"]').waitFor({ state: 'detached' });
    await chair.locator('[data-testid="chair-extend"]').click();
    await until(async () => (await clockSeconds(pages.a)) > p1 + 30, 'the +1 min extension');
  });

  it('calls the remote speaker, who hands over with "my microphone is on"', async () => {
    await pages.chair.locator('[data-testid="chair-next"]').click();
    const b = pages.b;
    const mic = b.locator('[data-testid="mic-on"]');
    await mic.waitFor();
    await screenshot(b, '06-remote-called');
    // The clock does not run before the handover.
    const before1 = await clockSeconds(b);
    await sleep(1200);
    assert.equal(await clockSeconds(b), before1);
    await mic.click();
    await mic.waitFor({ state: 'detached' });
    await sleep(1500);
    assert.ok((await clockSeconds(b)) < before1, 'running after floor.ready');
    await pages.a.locator('[data-testid="you-have-floor"]').waitFor({ state: 'detached' });
  });

  it('pauses the floor when the remote speaker\'s line drops; the chair resumes', async () => {
    await pages.b.context().close();
    const chair = pages.chair;
    const phase = chair.locator('[data-testid="floor-phase"]');
    await until(async () => /connection dropped/.test(await phase.textContent().catch(() => '')), 'paused: disconnected', 15000);
    await screenshot(chair, '06b-chair-speaker-dropped');
    await chair.locator('[data-testid="chair-pause"]').click();
    await phase.waitFor({ state: 'detached' });
  });

  it('opens the stakeholder segment; the observer may now ask', async () => {
    // With requests waiting, the chair is asked first (issue 15).
    const waiting = await pages.chair.locator('[data-testid="queue"] li').count();
    await pages.chair.locator('[data-testid="chair-next-item"]').click();
    if (waiting) await pages.chair.getByTestId('confirm-yes').click();
    const obs = pages.obs;
    await until(async () => /Statements by stakeholders/.test(await obs.locator('[data-testid="current-item"]').textContent()), 'item on the observer page');
    await obs.locator('[data-testid="request-blocked"]').waitFor({ state: 'detached' });
    assert.ok(await obs.locator('[data-testid="kind-point_of_order"]').isDisabled(), 'still no point of order');
    await obs.locator('[data-testid="request"]').click();
    await until(async () => (await pages.chair.locator('[data-testid="queue"] li .name').allTextContents()).includes('Marie Dubois'),
      'the observer on the chair\'s list');
    await pages.a.locator('[data-testid="request"]').click();
    await until(async () => (await pages.chair.locator('[data-testid="queue"] li').count()) === 2, 'two on the list');
  });

  it('moves an entry with Alt+Up on the focused row', async () => {
    const chair = pages.chair;
    const rows = chair.locator('[data-testid="queue"] li');
    await rows.nth(1).focus();
    await chair.keyboard.press('Alt+ArrowUp');
    await until(async () => (await chair.locator('[data-testid="queue"] li .name').first().textContent()) === 'Ana Souza', 'Ana first');
    const names = async () => chair.locator('[data-testid="queue"] li .name').allTextContents();
    // Drag and drop: Ana onto Marie's place, then back with Alt+Down.
    await rows.nth(0).dragTo(rows.nth(1));
    await until(async () => (await names())[0] === 'Marie Dubois', 'Marie first after the drag');
    await chair.locator('[data-testid="queue"] li').nth(0).focus();
    await chair.keyboard.press('Alt+ArrowDown');
    await until(async () => (await names())[0] === 'Ana Souza', 'Ana first again');
    // Opening an item may end the speech of the previous one (the floor
    // belongs to an item): give the floor again from the new list.
    await chair.locator('[data-testid="queue"] li').nth(0).locator('[data-testid="give"]').click();
    await pages.a.locator('[data-testid="you-have-floor"]').waitFor();
  });

  it('shows the projector view: speaker and clock large, next speakers, list state', async () => {
    const page = pages.proj = await newPage(browser, { viewport: { width: 1600, height: 900 } });
    await page.goto(`${server.url}/projector.html?meeting=${encodeURIComponent(cast.meeting.id)}#token=${encodeURIComponent(cast.chair.token)}`);
    await page.locator('[data-testid="floor-speaker"]').waitFor({ timeout: 8000 });
    assert.equal(await page.locator('[data-testid="floor-speaker"]').textContent(), 'Ana Souza');
    assert.deepEqual(await page.locator('[data-testid="next-five"] li .name').allTextContents(), ['Marie Dubois']);
    assert.match(await page.locator('[data-testid="list-badge"]').textContent(), /open/);
    assert.equal(await page.locator('main button').count(), 0, 'read-only: no buttons');
    await sleep(1200);
    assert.match(await page.locator('[data-testid="clock"]').textContent(), /^4:5\d$/);
    await screenshot(page, '07-projector');
  });

  it('ends the speech and closes the list', async () => {
    await pages.chair.locator('body').click({ position: { x: 5, y: 5 } });
    await pages.chair.keyboard.press('e');
    await pages.a.getByText('Nobody has the floor.').waitFor();
    await pages.proj.getByText('Nobody has the floor.').waitFor();
    await pages.chair.locator('[data-testid="chair-list-toggle"]').click();
    await until(async () => /closed/.test(await pages.proj.locator('[data-testid="list-badge"]').textContent()), 'closed on the projector');
    await until(async () => /closed/.test(await pages.obs.locator('[data-testid="request-blocked"]').textContent().catch(() => '')), 'the observer told the list is closed');
    // A State may still raise a point of order on a closed list.
    const a = pages.a;
    await a.locator('[data-testid="request-notice"]').waitFor();
    assert.ok(await a.locator('[data-testid="kind-statement"]').isDisabled());
    assert.ok(!(await a.locator('[data-testid="kind-point_of_order"]').isDisabled()));
    assert.ok(await a.locator('[data-testid="kind-point_of_order"]').isChecked());
  });

  it('lays Arabic out right to left and remembers the choice', async () => {
    const a = pages.a;
    await a.locator('[data-testid="lang"]').selectOption('ar');
    await until(async () => (await a.evaluate(() => document.documentElement.dir)) === 'rtl', 'dir=rtl');
    assert.equal(await a.evaluate(() => document.documentElement.lang), 'ar');
    await a.getByText('قائمة المتكلمين', { exact: false }).first().waitFor();
    await screenshot(a, '08-delegate-arabic');
    await a.reload();
    await a.locator('[data-testid="floor"]').waitFor();
    assert.equal(await a.evaluate(() => document.documentElement.dir), 'rtl');
    await a.locator('[data-testid="lang"]').selectOption('en');
  });

  it('renders the chair console in all six languages', async () => {
    const chair = pages.chair;
    const expected = { en: 'Chair console', fr: 'Console de la présidence', es: 'Consola de la Presidencia',
      ru: 'Пульт председателя', zh: '主席控制台', ar: 'لوحة الرئيس' };
    for (const [lang, title] of Object.entries(expected)) {
      await chair.locator('[data-testid="lang"]').selectOption(lang);
      await until(async () => (await chair.locator('#chair-h').textContent()) === title, `${lang} console title`);
      assert.equal(await chair.evaluate(() => document.documentElement.dir), lang === 'ar' ? 'rtl' : 'ltr');
      await screenshot(chair, `15-chair-${lang}`);
    }
    await chair.locator('[data-testid="lang"]').selectOption('en');
  });

  it('shows the schedule in two zones with the feed links and a QR code', async () => {
    const page = pages.a;
    await page.goto(`${server.url}/schedule.html`);
    await page.locator('[data-testid="time-mine"]').first().waitFor();
    const mine = await page.locator('[data-testid="time-mine"]').first().textContent();
    const theirs = await page.locator('[data-testid="time-meeting"]').first().textContent();
    assert.match(theirs, /10:00/);
    assert.match(mine, /05:00|06:00|5:00|6:00/, `São Paulo time of a 10:00 Geneva meeting: ${mine}`);
    if (await page.locator('[data-testid="webcal"]').count()) {
      assert.match(await page.locator('[data-testid="webcal"]').getAttribute('href'), /^webcal:\/\/127\.0\.0\.1:\d+\/calendar\/.+\.ics$/);
      const ics = await page.request.get(new URL(await page.locator('[data-testid="ics"]').getAttribute('href'), server.url).href);
      assert.equal(ics.status(), 200);
      assert.match(ics.headers()['content-type'], /text\/calendar/);
      assert.match(await ics.text(), /BEGIN:VCALENDAR/);
    }
    await page.locator('[data-testid="qr-toggle"]').click();
    await page.locator('.qrbox').waitFor();
    assert.match(await page.locator('.qrbox code').textContent(), /\/#token=/);
    const vendored = (await page.request.get(`${server.url}/vendor/qrcode.js`)).status() === 200;
    assert.equal(await page.locator('svg.qr').count(), vendored ? 1 : 0, `QR drawn iff web/vendor is there (${vendored})`);
    await screenshot(page, '09-schedule');
  });

  it('shows the plain link when the QR encoder is missing', async () => {
    const page = await newPage(browser);
    await page.route('**/vendor/qrcode.js', (route) => route.fulfill({ status: 404, body: 'no' }));
    await page.goto(`${server.url}/schedule.html#token=${encodeURIComponent(cast.delegateA.token)}`);
    await page.locator('[data-testid="qr-toggle"]').click();
    await page.locator('.qrbox code').waitFor();
    assert.equal(await page.locator('svg.qr').count(), 0);
    assert.match(await page.locator('.qrbox').textContent(), /not available/);
    await page.context().close();
  });

  it('draws the statistics as SVG bar charts', async () => {
    const page = pages.chair;
    await page.goto(`${server.url}/stats.html?meeting=${encodeURIComponent(cast.meeting.id)}`);
    await page.locator('[data-testid="chart-delegation"] svg').waitFor();
    assert.ok(await page.locator('[data-testid="chart-delegation"] rect').count() >= 2);
    assert.match(await page.locator('[data-testid="chart-delegation"] svg').textContent(), /Brazil/);
    assert.match(await page.locator('[data-testid="stats-total"]').textContent(), /\d+ speeches/);
    const csv = page.locator('[data-testid="record-csv"]');
    if (await csv.count()) {
      const res = await page.request.get(new URL(await csv.getAttribute('href'), server.url).href);
      assert.equal(res.status(), 200, 'record.csv');
      assert.ok((await res.text()).split('\n').length >= 2, 'a header row and speeches');
    }
    await screenshot(page, '10-statistics');
  });

  it('shows a viewer the meeting with nothing to press', async () => {
    const page = pages.viewer = await newPage(browser);
    await page.goto(`${server.url}/meeting.html?meeting=${encodeURIComponent(cast.meeting.id)}&presence=remote#token=${encodeURIComponent(cast.viewer.token)}`);
    await page.locator('[data-testid="floor"]').waitFor();
    assert.equal(await page.locator('[data-testid="request-form"]').count(), 0);
    assert.equal(await page.locator('[data-testid="chair"]').count(), 0);
  });

  it('says so when the invitation is not valid', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/#token=not-a-real-token`);
    await page.getByText('This invitation link is not valid', { exact: false }).first().waitFor();
    assert.ok(!page.url().includes('not-a-real-token'));
    await page.context().close();
  });

  it('works on a phone-sized screen', async () => {
    const page = pages.phone = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } });
    await page.goto(`${server.url}/meeting.html?meeting=${encodeURIComponent(cast.meeting.id)}&presence=remote#token=${encodeURIComponent(cast.delegateB.token)}`);
    await page.locator('[data-testid="floor"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`);
    await screenshot(page, '11-phone');
    const chair = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } });
    await chair.goto(`${server.url}/meeting.html?meeting=${encodeURIComponent(cast.meeting.id)}&presence=room#token=${encodeURIComponent(cast.chair.token)}`);
    await chair.locator('[data-testid="chair"]').waitFor();
    assert.ok(await chair.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 1, 'chair console fits a phone');
    await screenshot(chair, '11b-phone-chair');
    await chair.context().close();
  });

  it('shows the console to a chair named by meeting.update, from what the server says', async () => {
    const adm = await Rpc.open(server.url, server.adminToken);
    const other = await adm.call('participant.invite', { delegation: adm.hello.delegation.id, name: 'Vice-Chair', role: 'chair' });
    const open = async (token) => {
      const page = await newPage(browser);
      await page.goto(`${server.url}/meeting.html?meeting=${encodeURIComponent(cast.meeting.id)}&presence=room#token=${encodeURIComponent(token)}`);
      await page.locator('[data-testid="floor"]').waitFor();
      return page;
    };
    const vice = await open(other.token);
    const chair = await open(cast.chair.token);
    await chair.locator('[data-testid="chair"]').waitFor();
    assert.equal(await vice.locator('[data-testid="chair"]').count(), 0, 'another chair presides');
    await adm.call('meeting.update', { meeting: cast.meeting.id, chair: other.participant.id });
    await vice.locator('[data-testid="chair"]').waitFor();
    await until(async () => (await chair.locator('[data-testid="chair"]').count()) === 0, 'the former chair loses the console');
    await adm.call('meeting.update', { meeting: cast.meeting.id, chair: cast.meeting.chair });
    await chair.locator('[data-testid="chair"]').waitFor();
    await until(async () => (await vice.locator('[data-testid="chair"]').count()) === 0, 'the vice-chair loses it again');
    adm.close();
    await vice.context().close();
    await chair.context().close();
  });

  it('left no script errors in any page', () => {
    const errors = Object.entries(pages).flatMap(([k, p]) => (p.errors || []).map((e) => `${k}: ${e}`))
      .filter((e) => !/WebSocket|net::ERR|Failed to load resource/.test(e));
    assert.deepEqual(errors, []);
  });
});
