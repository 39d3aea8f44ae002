// The QR code of an invite link, drawn as SVG rectangles (no data: URL, no
// inline style: CSP-safe). The encoder is the vendored npm package
// qrcode-generator (web/vendor/qrcode.js); loadQr() resolves with null
// without it, and the pages then show the link alone.

import { s } from '../dom.js';

let qrModule;
export async function loadQr() {
  if (qrModule === undefined) {
    try { qrModule = (await import('../../vendor/qrcode.js')).default; } catch { qrModule = null; }
  }
  return qrModule;
}

/** The code of text as an <svg role=img> labelled label. */
export function qrSvg(qrcode, text, label) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const q = 4; // quiet zone
  const cells = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) cells.push(`M${c + q},${r + q}h1v1h-1z`);
  }
  return s('svg', { class: 'qr', viewBox: `0 0 ${n + 2 * q} ${n + 2 * q}`, role: 'img', 'aria-label': label,
    'shape-rendering': 'crispEdges', 'data-testid': 'qr' },
  s('rect', { width: n + 2 * q, height: n + 2 * q, fill: '#fff' }),
  s('path', { d: cells.join(''), fill: '#000' }));
}
