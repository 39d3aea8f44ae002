// The countdown's warning and overrun colours with a short allotment, and
// the connection: the offline banner when the server goes away, reconnection
// with backoff when it comes back, and the floor as it was (the server keeps
// it across restarts).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, what, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('countdown colours and reconnection', () => {
  let server;
  let cast;
  let browser;
  let page;

  before(async () => {
    server = await startServer();
    cast = await setupMeeting(server, { title: 'Short statements', policy: { statement_s: 4 } });
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async () => {
    if (page?.errors?.length) console.log(`console errors:\n  ${page.errors.join('\n  ')}`);
    await browser?.close();
    if (server?.exited()) console.log(`plenaryd exited by itself ${JSON.stringify(server.exited())}; its log:\n${server.log().slice(-4000)}`);
    await server?.stop();
  });

  it('shows the warning colour in the last 30 s, then the overrun', async () => {
    await page.goto(`${server.url}/meeting.html?meeting=${encodeURIComponent(cast.meeting.id)}&presence=room#token=${encodeURIComponent(cast.delegateA.token)}`);
    await page.locator('[data-testid="request"]').click();
    await page.locator('[data-testid="you-are-next"]').waitFor();
    await page.locator('[data-testid="withdraw"]').click();
    await page.getByTestId('confirm-yes').click(); // withdrawing asks first (issue 15)
    await page.locator('[data-testid="you-are-next"]').waitFor({ state: 'detached' });
    await page.getByText('The list of speakers is empty.').waitFor();
    await page.locator('[data-testid="request"]').click();
    await page.locator('[data-testid="you-are-next"]').waitFor();
    const chair = await Rpc.open(server.url, cast.chair.token);
    await chair.call('meeting.join', { meeting: cast.meeting.id, presence: 'room' });
    await chair.call('floor.next', { meeting: cast.meeting.id });
    chair.close();
    const clock = page.locator('[data-testid="clock"]');
    await until(async () => (await clock.getAttribute('class'))?.includes('warn'), 'the warning colour');
    await screenshot(page, '12-warning');
    await until(async () => (await clock.getAttribute('class'))?.includes('over'), 'the overrun colour', 12000);
    assert.match(await clock.textContent(), /^\+0:0\d$/);
    assert.match(await page.locator('[data-clockinfo]').textContent(), /Over time by/);
    await screenshot(page, '13-overrun');
  });

  it('says it is offline when the server goes, and comes back with the same floor', async () => {
    await server.halt();
    const banner = page.locator('#banner');
    await until(async () => await banner.isVisible(), 'the offline banner');
    assert.match(await banner.textContent(), /Connection lost/);
    await screenshot(page, '14-offline');
    await server.resume();
    await until(async () => !(await banner.isVisible()), 'the banner to go after reconnecting', 40000);
    await until(async () => (await page.locator('[data-testid="floor-speaker"]').textContent().catch(() => '')) === 'Ana Souza',
      'the floor as it was');
  });

  it('shows a cancellation as it happens (meeting.changed)', async () => {
    const adm = await Rpc.open(server.url, server.adminToken);
    await adm.call('meeting.cancel', { meeting: cast.meeting.id });
    adm.close();
    await page.locator('[data-testid="cancelled"]').waitFor();
  });
});
