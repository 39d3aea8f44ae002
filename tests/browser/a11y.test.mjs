// Accessibility of every view, checked by axe-core (WCAG 2.1 A and AA rules:
// contrast, names, labels, landmarks, ARIA) in Debian's chromium against the
// real plenaryd, with the floor held and a list of speakers so that the
// clock, the badges and the console are all on screen.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, Rpc, axeViolations as violations } from './harness.mjs';

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  let server;
  let cast;
  let browser;

  before(async () => {
    server = await startServer();
    cast = await setupMeeting(server);
    const m = cast.meeting.id;
    // A held floor and a list of two, set up over the protocol.
    const a = await Rpc.open(server.url, cast.delegateA.token);
    await a.call('meeting.join', { meeting: m, presence: 'room' });
    await a.call('floor.request', { meeting: m, kind: 'statement' });
    const b = await Rpc.open(server.url, cast.delegateB.token);
    await b.call('meeting.join', { meeting: m, presence: 'remote' });
    await b.call('floor.request', { meeting: m, kind: 'statement' });
    await a.call('floor.request', { meeting: m, kind: 'point_of_order' });
    const chair = await Rpc.open(server.url, cast.chair.token);
    await chair.call('meeting.join', { meeting: m, presence: 'room' });
    await chair.call('floor.next', { meeting: m });
    a.close(); b.close(); chair.close();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const views = [
    ['home', 'chair', '/index.html', '[data-meeting]'],
    ['meeting (delegate)', 'delegateB', '/meeting.html?meeting=M&presence=remote', '[data-testid="queue"] li'],
    ['meeting (observer, refused)', 'observer', '/meeting.html?meeting=M&presence=remote', '[data-testid="request-blocked"]'],
    ['chair console', 'chair', '/meeting.html?meeting=M&presence=room', '[data-testid="attendance"]'],
    ['projector', 'chair', '/projector.html?meeting=M', '[data-testid="floor-speaker"]'],
    ['schedule', 'delegateA', '/schedule.html', '[data-testid="time-meeting"]'],
    ['statistics', 'chair', '/stats.html?meeting=M', 'figure'],
    ['meeting in Arabic', 'delegateA', '/meeting.html?meeting=M&presence=room', '[data-testid="floor-speaker"]', 'ar'],
  ];

  for (const [name, who, path, ready, lang] of views) {
    it(`has no WCAG A/AA violations: ${name}`, async () => {
      const page = await newPage(browser);
      if (lang) await page.addInitScript((l) => localStorage.setItem('plenary.lang', l), lang);
      const url = `${server.url}${path.replace('M', encodeURIComponent(cast.meeting.id))}#token=${encodeURIComponent(cast[who].token)}`;
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      if (name === 'schedule') await page.locator('[data-testid="qr-toggle"]').click();
      const found = await violations(page);
      await page.context().close();
      assert.deepEqual(found, [], `${name}:\n  ${found.join('\n  ')}`);
    });
  }
});
