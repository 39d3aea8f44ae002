// Test harness for the browser tests: starts the real plenaryd on a free
// loopback port with a fresh SQLite file, reads the secretariat token it
// writes beside the database, sets up delegations, participants and a meeting
// over a real WebSocket with the contract's ops, and launches Debian's
// chromium through playwright-core.
//
// Environment (set by ctest): PLENARYD (server binary), PLENARY_WEB (web
// dir), PLENARY_BUILD (build dir: screenshots go to $PLENARY_BUILD/screenshots).

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB = resolve(process.env.PLENARY_WEB || join(here, '..', '..', 'web'));
export const BUILD = resolve(process.env.PLENARY_BUILD || join(here, '..', '..', 'build'));
export const SHOTS = join(BUILD, 'screenshots');
const PLENARYD = process.env.PLENARYD || join(BUILD, 'plenaryd');

export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll until fn() is truthy (or throw with what it last returned). */
export async function until(fn, what, timeout = 8000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

/** A free loopback port: bind port 0, read it, close. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** A throwaway self-signed P-256 pair for 127.0.0.1 in dir, as the integration tests make one. */
function makeCert(dir) {
  const cert = join(dir, 't.crt'), key = join(dir, 't.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return ['--cert', cert, '--key', key];
}

/**
 * Start plenaryd (opts.args: more flags; opts.tls: serve https and wss, as every
 * deployment does, on a self-signed pair that this process then trusts for its own
 * fetch and ws: browsers need newPage's `context: { ignoreHTTPSErrors: true }`);
 * resolves with {url, port, dir, adminToken, stop(), restart(), kill(), log()}.
 */
export async function startServer(opts = {}) {
  if (!existsSync(PLENARYD)) throw new Error(`PLENARYD not found: ${PLENARYD}`);
  const dir = mkdtempSync(join(tmpdir(), 'plenary-browser-'));
  const port = await freePort();
  const db = join(dir, 'p.db');
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const security = opts.tls ? makeCert(dir) : ['--plain'];
  if (opts.tls) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // the test's own pair, on loopback
  let output = '';
  let child = null;
  let exited = null;

  async function spawnIt() {
    exited = null;
    child = spawn(PLENARYD, [...security, '--listen', `127.0.0.1:${port}`, '--db', db, '--web', WEB, ...(opts.args || [])],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const me = child;
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code, sig) => { if (me === child) exited = { code, sig }; });
    const deadline = Date.now() + 15000;
    for (;;) {
      if (exited) throw new Error(`plenaryd exited early (${JSON.stringify(exited)}):\n${output}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.status === 200 && (await res.text()).trim() === 'ok') return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`plenaryd not healthy in 15 s:\n${output}`); }
      await sleep(100);
    }
  }

  async function stopIt() {
    if (child && !exited) {
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
      for (let i = 0; i < 20 && !exited; i++) await sleep(50);
    }
  }

  await spawnIt();
  let adminToken = '';
  for (let i = 0; i < 50 && !adminToken; i++) {
    try { adminToken = readFileSync(`${db}.admin-token`, 'utf8').trim(); } catch { await sleep(100); }
  }
  if (!adminToken) throw new Error('no admin token file');
  return {
    url, port, dir, adminToken,
    log: () => output,
    /** {code, sig} when the server has exited by itself, else null. */
    exited: () => exited,
    /** Stop it, keeping the database (to test reconnection and restarts). */
    halt: stopIt,
    /** Start it again on the same port and database. */
    resume: spawnIt,
    async stop() {
      await stopIt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A protocol client over the `ws` package (Node 20 has no WebSocket client). */
export class Rpc {
  static async open(url, token) {
    const rpc = new Rpc();
    rpc.ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', 'plenary.v1');
    rpc.events = [];
    rpc.pending = new Map();
    rpc.next = 1;
    rpc.ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if ('re' in msg && rpc.pending.has(msg.re)) {
        const p = rpc.pending.get(msg.re);
        rpc.pending.delete(msg.re);
        if (msg.ok) p.resolve(msg); else p.reject(Object.assign(new Error(`${msg.error.code}: ${msg.error.message}`), { code: msg.error.code }));
      } else if (msg.ev) rpc.events.push(msg);
    });
    await new Promise((res, rej) => { rpc.ws.once('open', res); rpc.ws.once('error', rej); });
    if (token) rpc.hello = await rpc.call('hello', { token });
    return rpc;
  }

  call(op, args = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ op, id, ...args }));
      setTimeout(() => { if (this.pending.delete(id)) reject(new Error(`timeout: ${op}`)); }, 10000);
    });
  }

  close() { this.ws.close(); }
}

/** The local date (YYYY-MM-DD) in tz, days from now. */
function localDate(tz, days = 0) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(Date.now() + days * 86400000));
}

/**
 * The cast of the issue's flows: a chair, two States' delegates (one to join
 * remotely), an observer body, and a hybrid thematic meeting whose second
 * item is the stakeholder segment. Returns tokens and ids.
 */
export async function setupMeeting(server, opts = {}) {
  const adm = await Rpc.open(server.url, server.adminToken);
  const del = async (name, kind, tz, group) =>
    (await adm.call('delegation.create', { name, kind, tz, ...(group ? { group } : {}) })).delegation;
  const chairDel = await del('Office of the Chair', 'secretariat', 'Europe/Zurich');
  const brazil = await del('Brazil', 'state', 'America/Sao_Paulo', 'latin_american_caribbean');
  const japan = await del('Japan', 'state', 'Asia/Tokyo', 'asia_pacific');
  const itu = await del('International Telecommunication Union', 'organization', 'Europe/Zurich');
  const invite = async (delegation, name, role) => adm.call('participant.invite', { delegation: delegation.id, name, role });
  const chair = await invite(chairDel, 'Ambassador Amina Diallo', 'chair');
  const delegateA = await invite(brazil, 'Ana Souza', 'delegate');
  const delegateB = await invite(japan, 'Kenji Sato', 'delegate');
  const observer = await invite(itu, 'Marie Dubois', 'observer');
  const viewer = await invite(chairDel, 'Press Gallery', 'viewer');
  const day = localDate('Europe/Zurich', 1);
  const meeting = (await adm.call('meeting.create', {
    title: opts.title || 'Thematic meeting on capacity building',
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.channels ? { channels: opts.channels } : {}),
    kind: 'thematic', format: 'hybrid', tz: 'Europe/Zurich',
    start: `${day}T10:00`, end: `${day}T13:00`,
    pillar: 'capacity_building', location: 'Conference Room XIX, Palais des Nations',
    video_url: 'https://video.example.org/poa-capacity-building',
    chair: chair.participant.id,
    items: opts.items || [
      { title: 'General exchange of views', kind: 'general' },
      { title: 'Statements by stakeholders', kind: 'stakeholder' },
    ],
  })).meeting;
  adm.close();
  return {
    meeting, delegations: { chairDel, brazil, japan, itu },
    chair, delegateA, delegateB, observer, viewer,
  };
}

/**
 * A test's end: what each page logged as an error (the assertions say which
 * matter), the browser closed, the server's log when it exited by itself (or
 * always, with PLENARY_VERBOSE), and the server stopped. pages: an array or an
 * object of pages.
 */
export async function tearDown({ pages = [], browser, server }) {
  for (const p of Object.values(pages)) {
    if (p.errors?.length) console.log(`console errors on ${p.url()}:\n  ${p.errors.join('\n  ')}`);
  }
  await browser?.close();
  if (server?.exited()) console.log(`plenaryd exited by itself ${JSON.stringify(server.exited())}; its log:\n${server.log().slice(-4000)}`);
  else if (server && process.env.PLENARY_VERBOSE) console.log(server.log());
  await server?.stop();
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** A new context (its own storage) with a page; console errors are collected. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 860 }, locale: opts.locale || 'en-US', ...opts.context });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
    if (m.type() === 'warning' && m.text().startsWith('missing string')) page.errors.push(m.text());
  });
  return page;
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
let axeSource = null;

/** Run axe-core's WCAG 2.1 A/AA rules on the page; resolves with the violations, summarised. */
export async function axeViolations(page) {
  if (!axeSource) {
    const { createRequire } = await import('node:module');
    axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  }
  // evaluate() goes through DevTools, so the page's CSP does not stop it.
  await page.evaluate(axeSource);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}


export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
