// Issue 15: the meeting pages as the chair, the delegates and the room's
// screen use them, in headless Chromium against the real plenaryd. Each
// describe block is one point of the issue.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, until } from './harness.mjs';

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

after(async () => {
  for (const p of opened) if (p.errors?.length) console.log(`console errors on ${p.url()}:\n  ${p.errors.join('\n  ')}`);
  await browser?.close();
  if (server?.exited()) console.log(`plenaryd exited by itself; its log:\n${server.log().slice(-4000)}`);
  await server?.stop();
});

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
