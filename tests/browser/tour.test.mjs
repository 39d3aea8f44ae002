// Every view as each role uses it (issue 15): the chair, a delegate in the
// room, a remote delegate, an observer, a viewer and the secretariat, in
// English, Arabic and Chinese, on a laptop (1280x800) and a phone (390x844).
// Each view is checked for what a person would stumble on: console errors, a
// page wider than the screen, text that overflows its card, a missing string.
// With PLENARY_TOUR_SHOTS=1 (tools/tour) each is also screenshot to
// $PLENARY_BUILD/screenshots/tour-*.png for people to look at; tools/check
// makes the same checks without the 228 full-page screenshots.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, until } from './harness.mjs';

const LANGS = ['en', 'ar', 'zh'];
const SHOTS = process.env.PLENARY_TOUR_SHOTS === '1';
const SIZES = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let server;
let cast;
let browser;
let secretariat;

before(async () => {
  server = await startServer();
  cast = await setupMeeting(server);
  // The secretariat's own invitation, as a person would get one.
  const adm = await Rpc.open(server.url, server.adminToken);
  secretariat = { token: server.adminToken };
  // A meeting in progress: a speaker on the floor, two waiting, a series.
  await adm.call('meeting.update', { meeting: cast.meeting.id, rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5' });
  adm.close();
  const chair = await Rpc.open(server.url, cast.chair.token);
  const a = await Rpc.open(server.url, cast.delegateA.token);
  const b = await Rpc.open(server.url, cast.delegateB.token);
  for (const [c, p] of [[chair, 'room'], [a, 'room'], [b, 'remote']]) await c.call('meeting.join', { meeting: cast.meeting.id, presence: p });
  await a.call('floor.request', { meeting: cast.meeting.id, kind: 'statement' });
  await b.call('floor.request', { meeting: cast.meeting.id, kind: 'question' });
  await chair.call('floor.next', { meeting: cast.meeting.id });
  for (const c of [chair, a, b]) c.close();
  // A working paper in the portal, as a delegation uploads one.
  const form = new FormData();
  const fields = { title: 'Capacity-building needs of small delegations', kind: 'working_paper',
    pillar: 'capacity_building', language: 'en', abstract: 'What small delegations ask for, and what they get.' };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob(['Notes on capacity building\n'], { type: 'text/plain' }), 'needs.txt');
  const up = await fetch(`${server.url}/documents`, { method: 'POST', body: form,
    headers: { authorization: `Bearer ${cast.delegateA.token}` } });
  assert.equal(up.status, 201, await up.text());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** What a person would stumble on, measured on the page. */
function stumbles(page) {
  return page.evaluate(() => {
    const wide = document.documentElement.scrollWidth - innerWidth;
    const cards = [...document.querySelectorAll('.card, .notice-box, .sitting-banner, .chair-dock')]
      .filter((c) => c.scrollWidth > c.clientWidth + 1)
      .map((c) => `${c.className.split(' ').slice(0, 2).join('.')} +${c.scrollWidth - c.clientWidth}px`);
    // Anything drawn past the screen's edge, but inside a scroller of its own.
    const out = [...document.querySelectorAll('main *')].filter((e) => {
      const b = e.getBoundingClientRect();
      return b.width > 0 && (b.left < -1 || b.right > innerWidth + 1) && !e.closest('.table-wrap, [data-scroll]');
    }).slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
    return { wide, cards, out };
  });
}

const roles = () => [
  ['chair', cast.chair.token, 'room'],
  ['delegate-room', cast.delegateA.token, 'room'],
  ['delegate-remote', cast.delegateB.token, 'remote'],
  ['observer', cast.observer.token, 'remote'],
  ['viewer', cast.viewer.token, 'remote'],
  ['secretariat', secretariat.token, 'room'],
];

// Three of the six at a time: a view is mostly waiting (a page load, the
// state over the WebSocket), and the tour was the longest test of all.
describe('every view as each role', { concurrency: 3 }, () => {
  for (const lang of LANGS) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      it(`in ${lang} on a ${size}: home, meeting, schedule, statistics, decisions, portal, projector`, async () => {
        const report = [];
        for (const [role, token, presence] of roles()) {
          const page = await newPage(browser, { viewport });
          await page.addInitScript((l) => localStorage.setItem('plenary.lang', l), lang);
          const views = [
            ['home', `/#token=${encodeURIComponent(token)}`, '.meetings, [data-testid="console-link"]'],
            ['meeting', `/meeting.html?meeting=${cast.meeting.id}&presence=${presence}`, '[data-testid="floor"]'],
            ['schedule', '/schedule.html', 'main h1'],
            ['stats', `/stats.html?meeting=${cast.meeting.id}`, 'main h1'],
            ['decisions', '/decisions.html', 'main h1'],
            ['portal', '/portal.html', '[data-testid="results"], [data-testid="no-results"]'],
            ...(role === 'chair' ? [['projector', `/projector.html?meeting=${cast.meeting.id}`, '[data-testid="floor"]']] : []),
            ...(role === 'secretariat' ? [['console', '/console.html', 'main h1']] : []),
          ];
          for (const [view, path, ready] of views) {
            await page.goto(`${server.url}${path}`);
            await page.locator(ready).first().waitFor({ timeout: 10000 });
            await page.waitForTimeout(300);
            assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${role} ${view}: the page's language`);
            const s = await stumbles(page);
            if (s.wide > 0 || s.cards.length || s.out.length) report.push(`${role}/${view}: ${JSON.stringify(s)}`);
            if (SHOTS) await screenshot(page, `tour-${lang}-${size}-${role}-${view}`);
          }
          const errors = page.errors.filter((e) => !/WebSocket|net::ERR|Failed to load resource/.test(e));
          assert.deepEqual(errors, [], `${role}: console errors`);
          await page.context().close();
        }
        assert.deepEqual(report, [], 'nothing wider than the screen or its card');
      });
    }
  }
});
