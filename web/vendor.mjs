// Copies the one third-party file the client uses, the QR encoder from the
// npm package qrcode-generator, into web/vendor/ so the server serves it from
// the project (never a CDN). Run after `npm install` in web/:
//   cd web && npm install --omit=dev && node vendor.mjs
// The file is renamed .js so any static server maps it to a JavaScript MIME type
// (module scripts are refused with a wrong one). The client degrades to showing
// the plain link when web/vendor/qrcode.js is missing.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The package's "exports" hides its package.json, so locate the file directly.
const src = join(here, 'node_modules', 'qrcode-generator', 'dist', 'qrcode.mjs');
mkdirSync(join(here, 'vendor'), { recursive: true });
copyFileSync(src, join(here, 'vendor', 'qrcode.js'));
console.log('vendored qrcode-generator -> web/vendor/qrcode.js');
