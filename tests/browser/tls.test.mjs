// The browser client over TLS, as every deployment serves it: https pages and a
// wss socket from Chromium's own TLS stack to plenaryd's (OpenSSL under lws), on
// a self-signed pair. The other browser tests run plain; this one walks the core
// of a sitting (join, ask for the floor, the chair gives it, pauses and resumes)
// so that what only TLS does (server/app/read_on.c: the frames a browser sends
// together, read in one turn; records written from the fan-out) is met by a real
// browser.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, until, tearDown } from './harness.mjs';

describe('the browser client over TLS', () => {
  let server;
  let cast;
  let browser;
  const pages = {};
  const sockets = [];

  before(async () => {
    server = await startServer({ tls: true });
    cast = await setupMeeting(server);
    browser = await launchBrowser();
  });

  after(() => tearDown({ pages, browser, server }));

  const open = async (name, token, how) => {
    const page = pages[name] = await newPage(browser, { context: { ignoreHTTPSErrors: true } });
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${server.url}/#token=${encodeURIComponent(token)}`);
    await page.locator(`[data-testid="join-${how}"]`).first().click();
    await page.locator('[data-testid="floor"]').waitFor();
    await page.getByText('Nobody has the floor.').waitFor();
    return page;
  };

  it('serves the pages over https and the socket over wss', async () => {
    await open('chair', cast.chair.token, 'room');
    await open('a', cast.delegateA.token, 'remote');
    assert.equal(new URL(pages.a.url()).protocol, 'https:');
    assert.ok(sockets.length >= 2, `sockets: ${sockets}`);
    for (const u of sockets) assert.match(u, /^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    await pages.chair.locator('[data-testid="chair"]').waitFor();
  });

  it('runs the floor: a request, the floor given, a pause and a resume', async () => {
    const { chair, a } = pages;
    await a.locator('[data-testid="request"]').click();
    await until(async () => (await chair.locator('[data-testid="queue"] li').count()) === 1, 'the request on the chair\'s list');
    assert.deepEqual(await chair.locator('[data-testid="queue"] li .name').allTextContents(), ['Ana Souza']);
    await chair.locator('[data-testid="chair-next"]').click();
    // A remote speaker is called first, then hands over with the microphone.
    await a.locator('[data-testid="mic-on"]').click();
    await a.locator('[data-testid="you-have-floor"]').waitFor();
    await chair.locator('[data-testid="chair-pause"]').click();
    await a.locator('[data-testid="floor-phase"]').waitFor();
    await chair.locator('[data-testid="chair-pause"]').click();
    await a.locator('[data-testid="floor-phase"]').waitFor({ state: 'detached' });
    assert.deepEqual(a.errors, []);
    assert.deepEqual(chair.errors, []);
  });
});
