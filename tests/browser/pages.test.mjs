// Issue 15: the meeting pages as the chair, the delegates and the room's
// screen use them, in headless Chromium against the real plenaryd. Each
// describe block is one point of the issue.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, until, axeViolations, tearDown } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let cast;
let browser;
const opened = [];

before(async () => {
  server = await startServer();
  cast = await setupMeeting(server);
  browser = await launchBrowser();
});

after(() => tearDown({ pages: opened, browser, server }));

async function open(opts) {
  const page = await newPage(browser, opts);
  opened.push(page);
  return page;
}

/** A page of the same browser context as `page`: another tab of the same browser. */
async function tab(page) {
  const p = await page.context().newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  opened.push(p);
  return p;
}

describe('1. signed in on this device, across tabs', () => {
  it('a new tab of the same browser is signed in, with no token in any URL or the page', async () => {
    const page = await open();
    await page.goto(`${server.url}/#token=${encodeURIComponent(cast.delegateA.token)}`);
    await page.locator('[data-testid="join-room"]').first().waitFor();
    assert.ok(!page.url().includes('token'), page.url());
    await page.getByTestId('session-note').waitFor();
    const second = await tab(page);
    await second.goto(`${server.url}/schedule.html`);
    await until(async () => /Ana Souza/.test(await second.locator('header').textContent()), 'the schedule signed in');
    const third = await tab(page);
    await third.goto(`${server.url}/meeting.html?meeting=${cast.meeting.id}&presence=room`);
    await third.locator('[data-testid="floor"]').waitFor();
    for (const p of [page, second, third]) {
      assert.ok(!p.url().includes(cast.delegateA.token), p.url());
      assert.ok(!(await p.content()).includes(cast.delegateA.token), 'the token is not in the page');
    }
    // Another browser (another context) has no session: it asks for the link.
    const other = await open();
    await other.goto(`${server.url}/schedule.html`);
    await other.getByText('Open your invitation link').waitFor();

    // Signing out in one tab signs out every tab of this browser.
    await second.getByTestId('sign-out').click();
    await second.getByTestId('signed-out').waitFor();
    await third.getByTestId('signed-out').waitFor();
    await page.getByTestId('signed-out').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('plenary.token')), null);
    const fourth = await tab(page);
    await fourth.goto(`${server.url}/schedule.html`);
    await fourth.getByText('Open your invitation link').waitFor();
    await page.context().close();
    await other.context().close();
  });
});

/** Opens `who`'s invitation in a fresh browser and joins the meeting (room or remote). */
async function joined(token, presence = 'room', opts = {}) {
  const page = await open(opts);
  await page.goto(`${server.url}/#token=${encodeURIComponent(token)}`);
  await page.locator('[data-testid="join-room"], [data-testid="join-remote"]').first().waitFor();
  await page.goto(`${server.url}/meeting.html?meeting=${cast.meeting.id}&presence=${presence}`);
  await page.locator('[data-testid="floor"]').waitFor();
  return page;
}

const attendanceRow = (chair, name) => chair.locator('[data-testid="attendance"] tr', { hasText: name });

describe('2. presence per connection', () => {
  it('a second remote tab and a projector do not change what the chair sees', async () => {
    const chair = await joined(cast.chair.token);
    await chair.getByTestId('attendance').waitFor();
    const obs = await joined(cast.observer.token, 'room');
    await until(async () => /In the room/.test(await attendanceRow(chair, 'Marie Dubois').textContent().catch(() => '')), 'the observer in the room');
    const obs2 = await tab(obs);
    await obs2.goto(`${server.url}/meeting.html?meeting=${cast.meeting.id}&presence=remote`);
    await obs2.locator('[data-testid="floor"]').waitFor();
    await until(async () => /also remote/.test(await attendanceRow(chair, 'Marie Dubois').textContent()), 'the second connection counted');
    assert.match(await attendanceRow(chair, 'Marie Dubois').textContent(), /In the room/);
    assert.match(await obs.locator('.meeting-head').textContent(), /You are in the room/);
    assert.match(await obs2.locator('.meeting-head').textContent(), /You are remote/);
    // The projector on a viewer's link is no attendance at all.
    const viewer = await open();
    await viewer.goto(`${server.url}/projector.html?meeting=${cast.meeting.id}#token=${encodeURIComponent(cast.viewer.token)}`);
    await viewer.locator('[data-testid="floor"]').waitFor();
    await sleep(500);
    assert.equal(await attendanceRow(chair, 'Press Gallery').count(), 0, 'the projector is not in the attendance');
    await obs.close();
    await until(async () => /Remote/.test(await attendanceRow(chair, 'Marie Dubois').textContent()), 'remote once the room tab closed');
    await obs2.context().close();
    await viewer.context().close();
    await chair.context().close();
  });
});

describe('3. what the chair does is seen, and asked first', () => {
  it('removal, a closed list and another item show notices that stay until dismissed; steps ask first', async () => {
    const chair = await joined(cast.chair.token);
    const a = await joined(cast.delegateA.token, 'room');
    const b = await joined(cast.delegateB.token, 'remote');
    await a.getByTestId('request').click();
    await b.getByTestId('request').click();
    await chair.locator('[data-testid="queue"] li').nth(1).waitFor();
    // The chair removes A's request: asked first, and Cancel changes nothing.
    await chair.locator('[data-testid="remove"]').first().click();
    const dialog = chair.getByTestId('confirm');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Ana Souza.*loses their place/s);
    await chair.getByTestId('confirm-no').click();
    assert.equal(await chair.locator('[data-testid="queue"] li').count(), 2);
    await chair.locator('[data-testid="remove"]').first().click();
    await chair.getByTestId('confirm-yes').click();
    const notice = a.getByTestId('notice').filter({ hasText: 'removed your request' });
    await notice.waitFor();
    await sleep(1500);
    assert.equal(await notice.count(), 1, 'the notice stays');
    await screenshot(a, 'p15-notice-removed-en-1280');
    await notice.getByTestId('notice-dismiss').click();
    assert.equal(await notice.count(), 0);
    // The delegate's withdraw asks first, and says what is lost.
    await b.getByTestId('withdraw').click();
    await b.getByTestId('confirm').waitFor();
    assert.match(await b.getByTestId('confirm').textContent(), /place 1/);
    await b.getByTestId('confirm-no').click();
    // Closing the list: a visible notice for the delegates.
    await chair.getByTestId('chair-list-toggle').click();
    await b.getByTestId('notice').filter({ hasText: 'closed the list of speakers' }).waitFor();
    await chair.getByTestId('chair-list-toggle').click();
    await b.getByTestId('notice').filter({ hasText: 'reopened the list' }).waitFor();
    // The next item while B waits: asked first, saying what happens to the waiting requests.
    await chair.getByTestId('chair-next-item').click();
    await chair.getByTestId('confirm').waitFor();
    assert.match(await chair.getByTestId('confirm').textContent(), /Requests waiting on General exchange of views: 1\. They stay/);
    await chair.getByTestId('confirm-yes').click();
    await b.getByTestId('notice').filter({ hasText: 'Your request on General exchange of views stays' }).waitFor();
    await a.getByTestId('notice').filter({ hasText: 'The chair opened Statements by stakeholders' }).waitFor();
    assert.equal(await chair.getByTestId('notice').count(), 0, 'the chair is not told what the chair did');
    await screenshot(b, 'p15-notices-en-1280');
    // Back to the first item: no one waits in the stakeholder segment, so no question.
    await chair.locator('[data-key="open-i1"]').click();
    await until(async () => /General exchange/.test(await chair.getByTestId('current-item').textContent()), 'back on the first item');
    for (const p of [chair, a, b]) await p.context().close();
  });
});

describe('4. what each person needs to know', () => {
  it('allotted times, the place and the expected wait, interventions left, and the series', async () => {
    const adm = await Rpc.open(server.url, server.adminToken);
    const start = cast.meeting.start;
    await adm.call('meeting.update', { meeting: cast.meeting.id, rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5' });
    adm.close();
    const chair = await joined(cast.chair.token);
    const a = await joined(cast.delegateA.token, 'room');
    const b = await joined(cast.delegateB.token, 'remote');
    const obs = await joined(cast.observer.token, 'remote');
    const series = await a.getByTestId('series').textContent();
    assert.match(series, /Repeats: every Monday, Tuesday, Wednesday, Thursday, and Friday until .*\(5 meetings in all\)/, series);
    // B still waits on this item from before; A asks after B.
    await a.getByTestId('request').click();
    await until(async () => (await a.locator('[data-testid="queue"] li').count()) === 2, 'two on the list');
    assert.match(await a.locator('[data-testid="queue"] li').first().textContent(), /5 min allotted/);
    assert.match(await a.getByTestId('your-position').textContent(), /Your place on the list: 2 \(1 before you\) Expected wait: about 5 minutes/);
    await screenshot(a, 'p15-place-wait-en-1280');
    await chair.getByTestId('chair-next').click();
    await chair.getByTestId('chair-start').click();
    await a.getByTestId('you-are-next').waitFor();
    await until(async () => /about [45] minutes/.test(await a.getByTestId('your-wait').textContent().catch(() => '')), 'the wait while B speaks');
    await chair.getByTestId('chair-end').click();
    // The observer in the stakeholder segment: one intervention of one, then none.
    await chair.getByTestId('chair-next-item').click();
    await chair.getByTestId('confirm-yes').click();
    await until(async () => /1 of 1/.test(await obs.getByTestId('interventions-left').textContent().catch(() => '')), 'one left');
    await obs.getByTestId('request').click();
    await until(async () => /0 of 1/.test(await obs.getByTestId('interventions-left').textContent()), 'none left');
    await screenshot(obs, 'p15-observer-left-en-1280');
    await obs.getByTestId('withdraw').click();
    await obs.getByTestId('confirm-yes').click();
    await until(async () => /1 of 1/.test(await obs.getByTestId('interventions-left').textContent()), 'a withdrawn request gives it back');
    await chair.locator('[data-key="open-i1"]').click();
    await chair.getByTestId('confirm-yes').click({ timeout: 2000 }).catch(() => {});
    for (const p of [chair, a, b, obs]) await p.context().close();
  });
});

/** Where el is in the viewport: {top, bottom, left, right, inView}. */
const box = (page, sel) => page.evaluate((s) => {
  const e = document.querySelector(s);
  if (!e) return null;
  const b = e.getBoundingClientRect();
  return { top: b.top, bottom: b.bottom, left: b.left, right: b.right, inView: b.top >= 0 && b.bottom <= innerHeight && b.width > 0 };
}, sel);

describe('5. the chair console on a phone', () => {
  it('keeps the clock, Next and End in view wherever the chair scrolls, and nothing overflows', async () => {
    const phone = { width: 390, height: 844 };
    const chair = await joined(cast.chair.token, 'room', { viewport: phone });
    const a = await joined(cast.delegateA.token, 'room');
    const b = await joined(cast.delegateB.token, 'remote');
    // B may still wait from the points above; make sure two are on the list.
    await a.getByTestId('request').click({ timeout: 2000 }).catch(() => {});
    await b.getByTestId('request').click({ timeout: 2000 }).catch(() => {});
    await until(async () => (await chair.locator('[data-testid="queue"] li').count()) >= 2, 'two on the list');
    await chair.getByTestId('dock-next').click();
    await chair.locator('[data-testid="dock-clock"]').waitFor();
    for (const y of [0, 600, 1200, 5000]) {
      await chair.evaluate((v) => scrollTo(0, v), y);
      await sleep(100);
      for (const s of ['[data-testid="dock-clock"]', '[data-testid="dock-next"]', '[data-testid="dock-end"]', '[data-testid="dock-pause"], [data-testid="dock-start"]']) {
        assert.ok((await box(chair, s))?.inView, `${s} in view at scroll ${y}`);
      }
    }
    assert.match(await chair.getByTestId('dock-clock').textContent(), /^\d+:\d\d$/);
    const overflow = await chair.evaluate(() => ({
      page: document.documentElement.scrollWidth - innerWidth,
      cards: [...document.querySelectorAll('.card')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.className),
      table: (() => { const w = document.querySelector('.attendance .table-wrap'); return w ? w.scrollWidth - w.clientWidth : 0; })(),
    }));
    assert.deepEqual(overflow, { page: 0, cards: [], table: 0 });
    // The dock acts: end the speech from it.
    await chair.getByTestId('dock-end').click();
    await until(async () => /Nobody has the floor/.test(await chair.getByTestId('chair-dock').textContent()), 'ended from the dock');
    await screenshot(chair, 'p15-chair-en-390');
    // A wide screen has the console beside the floor, and no dock.
    const wide = await tab(chair);
    await wide.setViewportSize({ width: 1280, height: 800 });
    await wide.goto(`${server.url}/meeting.html?meeting=${cast.meeting.id}&presence=room`);
    await wide.getByTestId('chair').waitFor();
    assert.equal((await box(wide, '[data-testid="chair-dock"]'))?.inView ?? false, false, 'no dock on a wide screen');
    for (const p of [chair, a, b]) await p.context().close();
  });
});

describe('6. the projector, on a link of its own', () => {
  it('the chair issues a screen link; the room sees the floor with the State large, and no one in the header', async () => {
    const chair = await joined(cast.chair.token);
    const a = await joined(cast.delegateA.token, 'room');
    await a.getByTestId('request').click({ timeout: 2000 }).catch(() => {});
    await chair.getByTestId('screen-issue').click();
    const url = await chair.getByTestId('screen-url').inputValue();
    assert.match(url, new RegExp(`/projector\\.html\\?meeting=${cast.meeting.id}#screen=`));
    // A computer with no one's invitation.
    const room = await open({ viewport: { width: 1280, height: 800 } });
    await room.goto(url);
    await room.locator('[data-testid="floor"]').waitFor();
    assert.ok(!room.url().includes('screen='), `the link's token left the address bar: ${room.url()}`);
    assert.equal(await room.locator('#lang').count(), 0, 'no language picker');
    assert.equal(await room.locator('header .who').count(), 0, 'no signed-in name');
    assert.equal(await room.locator('header nav').count(), 0);
    // Give the floor to someone: their State as large as their name.
    await until(async () => (await chair.locator('[data-testid="queue"] li').count()) > 0, 'someone waiting');
    await chair.getByTestId('chair-next').click();
    await room.getByTestId('floor-delegation').waitFor();
    const sizes = await room.evaluate(() => ['floor-speaker', 'floor-delegation'].map((id) =>
      parseFloat(getComputedStyle(document.querySelector(`[data-testid="${id}"]`)).fontSize)));
    assert.equal(sizes[0], sizes[1], `speaker and State the same size: ${sizes}`);
    await chair.getByTestId('chair-start').click({ timeout: 2000 }).catch(() => {});
    await screenshot(room, 'p15-projector-en-1280');
    assert.equal(await attendanceRow(chair, 'Screen').count(), 0, 'the screen is no attendance');
    // ?lang= sets its language; the stored link reopens it after a restart of the browser page.
    await room.goto(`${server.url}/projector.html?meeting=${cast.meeting.id}&lang=ar`);
    await room.locator('[data-testid="floor"]').waitFor();
    assert.equal(await room.evaluate(() => document.documentElement.dir), 'rtl');
    await screenshot(room, 'p15-projector-ar-1280');
    await room.setViewportSize({ width: 390, height: 844 });
    await room.goto(`${server.url}/projector.html?meeting=${cast.meeting.id}&lang=zh`);
    await room.locator('[data-testid="floor"]').waitFor();
    await screenshot(room, 'p15-projector-zh-390');
    // The chair stops the link: the screen says so.
    await chair.getByTestId('screen-revoke').click();
    await room.getByTestId('revoked').waitFor();
    await room.reload();
    await room.getByTestId('refused').waitFor();
    await chair.getByTestId('chair-end').click();
    for (const p of [chair, a, room]) await p.context().close();
  });
});

describe('7. translations read by native readers\' rules', () => {
  it('no catalogue gives one word to two things a page shows side by side', async () => {
    const { readFileSync } = await import('node:fs');
    const { pathToFileURL } = await import('node:url');
    const { join } = await import('node:path');
    const { WEB } = await import('./harness.mjs');
    const pairs = [['floor.title', 'kind.statement'], ['floor.title', 'proc.statement'], ['queue.withdraw', 'console.revoke'],
      ['cancel', 'console.revoke'], ['att.presence', 'console.location'], ['console.status', 'console.dkind_state'],
      ['appl.status', 'console.dkind_state'], ['title.index', 'title.meeting'], ['notice.dismiss', 'cancel']];
    const bad = [];
    for (const l of ['en', 'fr', 'es', 'ru', 'zh', 'ar']) {
      const cat = (await import(pathToFileURL(join(WEB, 'i18n', `${l}.js`)))).default;
      for (const [a, b] of pairs) if (cat[a] === cat[b]) bad.push(`${l}: ${a} = ${b} = ${cat[a]}`);
    }
    assert.deepEqual(bad, []);
    // Minutes are Intl's, not a catalogue's "+1 min".
    assert.doesNotMatch(readFileSync(join(WEB, 'i18n', 'ar.js'), 'utf8'), /'chair\.extend1'/);
  });

  it('in Arabic "+1 min" keeps its sign before the number; in Chinese the floor is not a statement', async () => {
    const chair = await joined(cast.chair.token, 'room', { context: {} });
    await chair.getByTestId('lang').selectOption('ar');
    await chair.getByTestId('chair-extend').waitFor();
    const order = await chair.evaluate(() => {
      const el = document.querySelector('[data-testid="chair-extend"]');
      const tn = [...el.childNodes].find((n) => n.nodeType === 3 && n.textContent.includes('+'));
      const at = (ch) => { const i = tn.textContent.indexOf(ch); const r = document.createRange(); r.setStart(tn, i); r.setEnd(tn, i + 1); return r.getBoundingClientRect().left; };
      return { plus: at('+'), one: at('1'), text: tn.textContent };
    });
    assert.ok(order.plus < order.one, `"+" is left of "1" in ${JSON.stringify(order)}`);
    await screenshot(chair, 'p15-chair-ar-1280');
    await chair.getByTestId('lang').selectOption('zh');
    await chair.locator('#floor-h').waitFor();
    assert.notEqual(await chair.locator('#floor-h').textContent(), '发言');
    await screenshot(chair, 'p15-chair-zh-1280');
    await chair.getByTestId('lang').selectOption('en');
    await chair.context().close();
  });
});

describe('the new parts, by axe-core (WCAG 2.1 AA)', () => {
  it('the phone dock, a notice, the confirmation dialog and the suspended banner', async () => {
    const chair = await joined(cast.chair.token, 'room', { viewport: { width: 390, height: 844 } });
    const a = await joined(cast.delegateA.token, 'room', { viewport: { width: 390, height: 844 } });
    await a.getByTestId('request').click({ timeout: 2000 }).catch(() => {});
    await chair.getByTestId('chair-dock').waitFor();
    assert.deepEqual(await axeViolations(chair), [], 'the chair on a phone');
    await chair.getByTestId('chair-list-toggle').click();
    await a.getByTestId('notice').first().waitFor();
    await chair.getByTestId('chair-list-toggle').click();
    assert.deepEqual(await axeViolations(a), [], 'a delegate with notices');
    await chair.getByTestId('meeting-close').click();
    await chair.getByTestId('confirm').waitFor();
    assert.deepEqual(await axeViolations(chair), [], 'the confirmation dialog');
    await chair.getByTestId('confirm-no').click();
    await chair.getByTestId('meeting-suspend').click();
    await a.getByTestId('sitting').waitFor();
    assert.deepEqual(await axeViolations(a), [], 'suspended');
    await chair.getByTestId('meeting-resume').click();
    await until(async () => (await a.getByTestId('sitting').count()) === 0, 'resumed');
    for (const p of [chair, a]) await p.context().close();
  });
});

describe('9. adjourning', () => {
  it('the chair suspends, resumes and closes; delegates and the room see the state', async () => {
    const chair = await joined(cast.chair.token);
    const a = await joined(cast.delegateA.token, 'room');
    const room = await open();
    await room.goto(`${server.url}/projector.html?meeting=${cast.meeting.id}#token=${encodeURIComponent(cast.viewer.token)}`);
    await room.locator('[data-testid="floor"]').waitFor();
    await chair.getByTestId('meeting-suspend').click();
    await a.getByTestId('sitting').filter({ hasText: 'The meeting is suspended' }).waitFor();
    await a.getByTestId('notice').filter({ hasText: 'suspended the meeting' }).waitFor();
    await a.getByTestId('request-sitting').waitFor();
    assert.equal(await a.getByTestId('request').count(), 0, 'no request form while suspended');
    await room.getByTestId('sitting').waitFor();
    await screenshot(a, 'p15-suspended-en-1280');
    await screenshot(room, 'p15-projector-suspended-en-1280');
    await chair.getByTestId('meeting-resume').click();
    await a.getByTestId('notice').filter({ hasText: 'resumed the meeting' }).waitFor();
    await until(async () => (await a.getByTestId('sitting').count()) === 0, 'the banner gone');
    await a.getByTestId('request').waitFor();
    // Closing asks first, then ends it for everyone.
    await chair.getByTestId('meeting-close').click();
    await chair.getByTestId('confirm').waitFor();
    assert.match(await chair.getByTestId('confirm').textContent(), /goes on the record/);
    await chair.getByTestId('confirm-yes').click();
    await a.getByTestId('sitting').filter({ hasText: 'The meeting is closed' }).waitFor();
    await room.getByTestId('sitting').filter({ hasText: 'closed' }).waitFor();
    assert.equal(await chair.getByTestId('meeting-close').count(), 0);
    await screenshot(a, 'p15-closed-en-1280');
    for (const p of [chair, a, room]) await p.context().close();
  });
});
