// Issue 17 in the browser, against the real plenaryd configured for Jitsi:
// the remote delegate's page offers the signed link (its token checked here
// with the secret), one in the room is offered none, and the chair's
// attendance shows who is live in the conference once event_sync says so.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, tearDown } from './harness.mjs';

const JITSI_SECRET = 'a jitsi secret for the browser test';
const HOOK_SECRET = 'a hook secret for the browser test';

describe('video conference', () => {
  let server;
  let cast;
  let browser;
  let room;
  const pages = [];

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plenary-video-'));
    writeFileSync(join(dir, 'jitsi'), `${JITSI_SECRET}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'hook'), `${HOOK_SECRET}\n`, { mode: 0o600 });
    server = await startServer({ args: ['--jitsi-url', 'https://meet.example.org', '--jitsi-app-id', 'plenary',
      '--jitsi-secret-file', join(dir, 'jitsi'), '--hook-secret-file', join(dir, 'hook')] });
    cast = await setupMeeting(server);
    const adm = await Rpc.open(server.url, server.adminToken);
    room = (await adm.call('meeting.update', { meeting: cast.meeting.id, video: { provider: 'jitsi' } })).meeting.video.room;
    adm.close();
    browser = await launchBrowser();
  });

  after(() => tearDown({ pages, browser, server }));

  const open = async (who, presence) => {
    const page = await newPage(browser);
    pages.push(page);
    await page.goto(`${server.url}/meeting.html?meeting=${encodeURIComponent(cast.meeting.id)}&presence=${presence}#token=${encodeURIComponent(cast[who].token)}`);
    await page.locator('[data-testid="current-item"]').waitFor();
    return page;
  };

  it('offers the remote delegate a link signed for Jitsi', async () => {
    const page = await open('delegateB', 'remote');
    const link = page.locator('[data-testid="video-join"]');
    await link.waitFor();
    assert.equal(await link.textContent(), 'Join the video conference');
    const href = await link.getAttribute('href');
    assert.equal(await link.getAttribute('target'), '_blank');
    const [base, jwt] = href.split('?jwt=');
    assert.equal(base, `https://meet.example.org/${room}`);
    const [head, body, sig] = jwt.split('.');
    assert.equal(createHmac('sha256', JITSI_SECRET).update(`${head}.${body}`).digest('base64url'), sig);
    const claims = JSON.parse(Buffer.from(body, 'base64url'));
    assert.equal(claims.context.user.id, cast.delegateB.participant.id);
    assert.equal(claims.context.user.name, 'Japan (Kenji Sato)');
    assert.equal(claims.moderator, false);
    await screenshot(page, 'video-remote-delegate');
  });

  it('offers none to a delegate in the room', async () => {
    const page = await open('delegateA', 'room');
    await page.waitForTimeout(800);
    assert.equal(await page.locator('[data-testid="video-join"]').count(), 0);
  });

  it('shows the chair who is live in the conference beside who is connected', async () => {
    const page = await open('chair', 'room');
    const row = page.locator('[data-testid="attendance"] tr', { hasText: 'Kenji Sato' });
    await row.waitFor();
    assert.equal(await row.locator('[data-testid="att-video"]').textContent(), ' No');
    const res = await fetch(`${server.url}/hooks/jitsi/events/occupant/joined`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${HOOK_SECRET}` },
      body: JSON.stringify({
        event_name: 'muc-occupant-joined', room_name: room, room_jid: `${room}@conference.meet.example.org`,
        is_breakout: false, active_occupants_count: 1,
        occupant: { id: cast.delegateB.participant.id, name: 'Japan (Kenji Sato)', occupant_jid: 'x@meet.example.org/a', joined_at: 1 },
      }),
    });
    assert.equal(res.status, 200);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="attendance"] tr')]
      .some((tr) => tr.textContent.includes('Kenji Sato') && tr.querySelector('[data-testid="att-video"]')?.textContent.includes('Yes')));
    // the chair presides: a moderator's link
    const href = await page.locator('[data-testid="video-join"]').getAttribute('href');
    assert.equal(JSON.parse(Buffer.from(href.split('?jwt=')[1].split('.')[1], 'base64url')).moderator, true);
    await screenshot(page, 'video-chair-attendance');
  });
});
