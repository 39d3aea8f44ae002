// The Node.js peer of the fan-out benchmark (issue 6): a plain `ws` server that speaks
// the subset of the Plenary contract that tools/loadgen drives, and fans each floor
// event out the way a typical Node server does: one Buffer, ws.send() to every joined
// client. It is the baseline plenaryd is compared with, so it does nothing clever and
// nothing extra: no persistence, no roles; setup ops get made-up ids.
//
// usage: node peer.mjs PORT [EVENT_BYTES [CERT KEY]]   (prints "peer: listening ... pid N")
// With CERT and KEY (PEM files) it serves wss:// through Node's https server, as a Node
// deployment would, for the TLS parts of tools/bench/run.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const eventBytes = Number(process.argv[3] || 200);
const [certFile, keyFile] = process.argv.slice(4, 6);
if (!Number.isInteger(port) || port <= 0 || port > 65535 || (certFile && !keyFile)) {
  console.error('usage: node peer.mjs PORT [EVENT_BYTES [CERT KEY]]');
  process.exit(2);
}

const joined = new Set();
let seq = 0;
let ids = 0;
let bcasts = 0;
let sends = 0;
let loopMs = 0;

// The same event text as tools/floor.c, padded to the size of plenaryd's event.
function eventJson(ev) {
  seq += 1;
  const head = `{"ev":"${ev}","meeting":"m1","seq":${seq},"floor":{"paused":${seq % 2 ? 'true' : 'false'},"pad":"`;
  const pad = Math.max(0, eventBytes - head.length - 3);
  return `${head}${'x'.repeat(pad)}"}}`;
}

function broadcast(ev) {
  const data = Buffer.from(eventJson(ev));
  const t = process.hrtime.bigint();
  for (const ws of joined) ws.send(data, { binary: false });
  loopMs += Number(process.hrtime.bigint() - t) / 1e6;
  sends += joined.size;
  bcasts += 1;
}

function reply(ws, id, rest) {
  ws.send(JSON.stringify({ re: id === undefined ? null : id, ok: true, ...rest }));
}

const tls = certFile ? createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }) : null;
const wss = new WebSocketServer({
  ...(tls ? { server: tls } : { host: '127.0.0.1', port, backlog: 4096 }),
  perMessageDeflate: false,
  clientTracking: false,
  handleProtocols: (protocols) => (protocols.has('plenary.v1') ? 'plenary.v1' : false),
});

wss.on('connection', (ws) => {
  ws.on('message', (raw) => {
    let req;
    try {
      req = JSON.parse(raw);
    } catch {
      ws.send(JSON.stringify({ re: null, ok: false, error: { code: 'bad_json', message: 'not JSON' } }));
      return;
    }
    const { op, id } = req;
    switch (op) {
      case 'hello':
        reply(ws, id, { participant: { id: 'p0', role: 'viewer' }, server_time: Date.now() });
        break;
      case 'delegation.create':
        ids += 1;
        reply(ws, id, { delegation: { id: `d${ids}` } });
        break;
      case 'participant.invite':
        ids += 1;
        reply(ws, id, { participant: { id: `p${ids}` }, token: `t${ids}`, feed: `f${ids}` });
        break;
      case 'meeting.create':
        reply(ws, id, { meeting: { id: 'm1' } });
        break;
      case 'meeting.join':
        joined.add(ws);
        reply(ws, id, { state: { meeting: { id: 'm1' }, seq, floor: null } });
        break;
      default:
        reply(ws, id, {});
        if (typeof op === 'string' && op.startsWith('floor.')) {
          broadcast(op === 'floor.request' ? 'queue.added' : 'floor.changed');
        }
    }
  });
  ws.on('close', () => joined.delete(ws));
  ws.on('error', () => joined.delete(ws));
});

const listening = () => console.log(`peer: listening on 127.0.0.1:${port}${tls ? ' (TLS)' : ''}, pid ${process.pid}`);
if (tls) tls.listen(port, '127.0.0.1', 4096, listening);
else wss.on('listening', listening);

function stop() {
  const per = sends ? (loopMs * 1e3) / sends : 0;
  console.log(`peer: ${bcasts} broadcasts, ${sends} sends, send loop mean ${(bcasts ? loopMs / bcasts : 0).toFixed(2)} ms (${per.toFixed(2)} us per send)`);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
