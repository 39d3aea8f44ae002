// Issue 14 in headless Chromium against the real plenaryd: the list of
// speakers beyond every anchor. A delegate speaks on behalf of a political
// group the secretariat defined (the request form offers only the groups its
// State belongs to), and the projector shows the group and its contingent.
// The chair sets an inscription deadline; the list closes itself at it, on
// the projector and in the delegate's request form. An interpreter's signal
// from the booth reaches the speaker's page and is counted on the chair's. A
// remote speaker whose line dropped comes back and says so; the chair sees it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupMeeting, launchBrowser, newPage, screenshot, Rpc, sleep, until, tearDown } from './harness.mjs';

describe('list of speakers: groups and contingents', () => {
  let server;
  let cast;
  let browser;
  let chair;
  let group;
  let booth;
  const pages = {};

  before(async () => {
    server = await startServer();
    cast = await setupMeeting(server, {
      policy: { contingent_s: 600 },
      items: [{ title: 'General exchange of views', planned_s: 1200 },
        { title: 'Statements by stakeholders', kind: 'stakeholder' }],
      channels: [{ language: 'fr', url: 'https://interpret.example.org/fr' },
        { language: 'es', url: 'https://interpret.example.org/es' }],
    });
    const adm = await Rpc.open(server.url, server.adminToken);
    group = (await adm.call('group.create', {
      name: 'Group of Friends of Cooperation',
      members: [cast.delegations.brazil.id, cast.delegations.japan.id],
    })).group;
    booth = await adm.call('participant.invite', {
      delegation: cast.delegations.chairDel.id, name: 'Booth E', role: 'interpreter', language: 'en',
    });
    adm.close();
    chair = await Rpc.open(server.url, cast.chair.token);
    await chair.call('meeting.join', { meeting: cast.meeting.id, presence: 'room' });
    browser = await launchBrowser();
  });

  after(async () => {
    chair?.close();
    await tearDown({ pages, browser, server });
  });

  it('offers a State only its own groups, and asks on behalf of one', async () => {
    const page = pages.a = await newPage(browser);
    await page.goto(`${server.url}/#token=${encodeURIComponent(cast.delegateA.token)}`);
    await page.locator('[data-testid="join-room"]').first().click();
    await page.locator('[data-testid="request-form"]').waitFor();
    const options = async () => page.locator('#req-behalf option').allTextContents();
    await until(async () => (await options()).includes(group.name), 'the group offered');
    assert.deepEqual(await options(), ['Own delegation only', 'Latin American and Caribbean States', group.name]);
    await page.locator('#req-behalf').selectOption(group.id);
    await page.locator('[data-testid="request"]').click();
    await until(async () => /on behalf of/.test(await page.locator('[data-testid="queue"]').textContent()), 'the entry listed');
    assert.match(await page.locator('[data-testid="queue"]').textContent(), /Group of Friends of Cooperation/);
  });

  it('shows the group statement and its contingent on the projector', async () => {
    const page = pages.proj = await newPage(browser, { viewport: { width: 1600, height: 900 } });
    await page.goto(`${server.url}/projector.html?meeting=${encodeURIComponent(cast.meeting.id)}#token=${encodeURIComponent(cast.chair.token)}`);
    await page.locator('[data-testid="floor"]').waitFor();
    await chair.call('floor.next', { meeting: cast.meeting.id });
    await page.locator('[data-testid="floor-contingent"]').waitFor();
    assert.equal(await page.locator('[data-testid="floor-speaker"]').textContent(), 'Ana Souza');
    assert.match(await page.locator('[data-testid="floor"] .meta').textContent(),
      /on behalf of Group of Friends of Cooperation/);
    await sleep(1300);
    // the group's 10 minutes run down with the speech
    assert.match(await page.locator('[data-testid="floor-contingent"]').textContent(),
      /^Time left for Group of Friends of Cooperation: 9:5\d$/);
    // the item's clock: begun with the first request, 20 minutes planned
    assert.match(await page.locator('[data-testid="item-clock"]').textContent(),
      /^Item: \d:\d\d so far, 1\d:\d\d left of 20:00$/);
    await screenshot(page, 'issue14-projector-group');
    // the chair adds a minute to the group's time from the console
    const ch = pages.chairc = await newPage(browser);
    await ch.goto(`${server.url}/#token=${encodeURIComponent(cast.chair.token)}`);
    await ch.locator('[data-testid="join-room"]').first().click();
    await ch.locator('[data-testid="contingent-form"]').waitFor();
    assert.match(await ch.locator('#cont-group').textContent(), /Group of Friends of Cooperation|g\d/);
    await ch.locator('[data-testid="contingent-add"]').click();
    await until(async () => /: 10:\d\d$/.test(await page.locator('[data-testid="floor-contingent"]').textContent()),
      'a minute added on the projector');
    await ch.context().close();
    await chair.call('floor.end', { meeting: cast.meeting.id });
    await page.getByText('Nobody has the floor.').waitFor();
  });

  it('closes the list at its inscription deadline', async () => {
    const page = pages.chair = await newPage(browser);
    await page.goto(`${server.url}/#token=${encodeURIComponent(cast.chair.token)}`);
    await page.locator('[data-testid="join-room"]').first().click();
    await page.locator('[data-testid="deadline-form"]').waitFor();
    // the chair's control: in 10 minutes, shown to everyone; then taken away
    await page.locator('[data-testid="deadline-set"]').click();
    await pages.proj.locator('[data-testid="list-deadline"]').waitFor();
    assert.match(await pages.a.locator('[data-testid="list-deadline"]').textContent(), /^The list closes at /);
    await page.locator('[data-testid="deadline-clear"]').click();
    await until(async () => (await pages.proj.locator('[data-testid="list-deadline"]').count()) === 0, 'deadline gone');
    // a deadline two seconds away closes the list by itself
    await chair.call('queue.deadline', { meeting: cast.meeting.id, item: cast.meeting.items[0].id, at: Date.now() + 2000 });
    await pages.proj.locator('[data-testid="list-deadline"]').waitFor();
    assert.match(await pages.proj.locator('[data-testid="list-badge"]').textContent(), /open/);
    await until(async () => /closed/.test(await pages.proj.locator('[data-testid="list-badge"]').textContent()), 'closed on the projector', 6000);
    await until(async () => /closed/.test(await pages.a.locator('[data-testid="request-notice"]').textContent().catch(() => '')), 'the delegate told the list is closed');
    assert.equal(await pages.proj.locator('[data-testid="list-deadline"]').count(), 0);
    await screenshot(pages.proj, 'issue14-projector-deadline');
  });

  it("brings an interpreter's signal to the speaker and counts it for the chair", async () => {
    const page = pages.booth = await newPage(browser);
    await page.goto(`${server.url}/#token=${encodeURIComponent(booth.token)}`);
    await page.locator('[data-testid="join-remote"]').first().click();
    await page.locator('[data-testid="booth"]').waitFor();
    assert.equal(await page.locator('[data-testid="request-form"]').count(), 0, 'an interpreter asks for no floor');
    await chair.call('queue.open', { meeting: cast.meeting.id });
    const a = await Rpc.open(server.url, cast.delegateA.token);
    await a.call('meeting.join', { meeting: cast.meeting.id, presence: 'room' });
    await a.call('floor.request', { meeting: cast.meeting.id, kind: 'statement' });
    await chair.call('floor.next', { meeting: cast.meeting.id });
    await pages.a.locator('[data-testid="you-have-floor"]').waitFor();
    await page.locator('[data-testid="signal-slower"]').click();
    await page.locator('[data-testid="signal-sent"]').waitFor();
    await pages.a.locator('[data-testid="signal-notice"]').waitFor();
    assert.equal(await pages.a.locator('[data-testid="signal-notice"]').textContent(), 'Interpreters (en): Slower, please');
    await sleep(1100); // one a second
    await page.locator('[data-testid="signal-louder"]').click();
    await until(async () => /Louder, please 1/.test(await pages.chair.locator('[data-testid="signal-counts"]').textContent().catch(() => '')), 'the chair counts both');
    assert.match(await pages.chair.locator('[data-testid="signal-counts"]').textContent(), /Slower, please 1, Louder, please 1/);
    // nobody else is told
    assert.equal(await pages.proj.locator('[data-testid="signal-notice"]').count(), 0);
    await screenshot(pages.a, 'issue14-speaker-signal');
    a.close();
  });

  it('lets a remote speaker whose line dropped say they are back', async () => {
    const join = async () => {
      const page = await newPage(browser);
      await page.goto(`${server.url}/#token=${encodeURIComponent(cast.delegateB.token)}`);
      await page.locator('[data-testid="join-remote"]').first().click();
      await page.locator('[data-testid="request-form"]').waitFor();
      return page;
    };
    let b = await join();
    // joined remotely, B is offered the interpretation channels; A in the room is not
    assert.equal(await b.locator('[data-testid="channel-fr"]').getAttribute('href'), 'https://interpret.example.org/fr');
    assert.equal(await b.locator('[data-testid="channel-es"]').textContent(), 'Spanish');
    assert.equal(await pages.a.locator('[data-testid="channels"]').count(), 0);
    await b.locator('[data-testid="request"]').click();
    await until(async () => /Kenji Sato/.test(await pages.proj.locator('[data-testid="next-five"]').textContent()), 'B listed');
    await chair.call('floor.next', { meeting: cast.meeting.id });
    await b.locator('[data-testid="mic-on"]').click();
    await until(async () => !(await b.locator('[data-testid="mic-on"]').count()), 'B speaking');
    await b.context().close(); // the line drops
    await until(async () => /paused/i.test(await pages.chair.locator('[data-testid="floor"]').textContent()), 'paused for the chair');
    b = pages.b = await join();
    await b.locator('[data-testid="back"]').click();
    await b.locator('[data-testid="back-said"]').waitFor();
    await pages.chair.locator('[data-testid="speaker-back"]').waitFor();
    assert.match(await pages.chair.locator('[data-testid="speaker-back"]').textContent(), /^Kenji Sato \(Japan\) is back on the line: resume when ready\.$/);
    await screenshot(pages.chair, 'issue14-chair-speaker-back');
    await chair.call('floor.resume', { meeting: cast.meeting.id });
    await until(async () => (await pages.chair.locator('[data-testid="speaker-back"]').count()) === 0, 'notice gone');
    assert.equal(await b.locator('[data-testid="back"]').count(), 0);
  });
});
