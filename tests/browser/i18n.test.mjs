// The catalogues: every language has every key of the English reference, the
// same {placeholders}, no empty string; every key the code names exists; and
// the pages carry no inline script or style (the CSP forbids them).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WEB } from './harness.mjs';

const LANGS = ['en', 'fr', 'es', 'ru', 'zh', 'ar'];
const load = async (l) => (await import(pathToFileURL(join(WEB, 'i18n', `${l}.js`)))).default;
const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function walk(dir, ext) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'node_modules' || f === 'vendor') return [];
    return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

test('every catalogue has the keys and placeholders of English', async () => {
  const en = await load('en');
  for (const l of LANGS.slice(1)) {
    const cat = await load(l);
    assert.deepEqual(Object.keys(cat).sort(), Object.keys(en).sort(), `${l}: same keys as en`);
    for (const [k, v] of Object.entries(cat)) {
      assert.ok(typeof v === 'string' && v.trim(), `${l}.${k} is empty`);
      assert.deepEqual(holes(v), holes(en[k]), `${l}.${k} placeholders`);
    }
  }
});

test('every key named in the code is in the English catalogue', async () => {
  const en = await load('en');
  const missing = [];
  for (const file of [...walk(join(WEB, 'js'), '.js'), ...walk(WEB, '.html')].filter((f) => !f.endsWith('/i18n.js'))) {
    const src = readFileSync(file, 'utf8');
    const keys = [...src.matchAll(/\bt\(\s*'([a-z_.0-9]+)'/g), ...src.matchAll(/\?\s*'([a-z]+\.[a-z_.0-9]+)'\s*:\s*'([a-z]+\.[a-z_.0-9]+)'/g),
      ...src.matchAll(/data-i18n="([a-z_.0-9]+)"/g)].flatMap((m) => m.slice(1)).filter(Boolean);
    for (const k of keys) if (!(k in en) && !/^(floor|queue)\.(pause|resume|open|close)$/.test(k)) missing.push(`${file}: ${k}`);
  }
  assert.deepEqual(missing, []);
});

test('the pages carry no inline script, inline style or style attribute', () => {
  for (const file of walk(WEB, '.html')) {
    const html = readFileSync(file, 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${file}: inline script`);
    assert.doesNotMatch(html, /<style\b|\sstyle=|\son[a-z]+=/i, `${file}: inline style or handler`);
  }
  for (const file of walk(join(WEB, 'js'), '.js')) {
    const src = readFileSync(file, 'utf8');
    assert.doesNotMatch(src, /\.innerHTML\s*=|insertAdjacentHTML|setAttribute\('style'|\beval\(|new Function/, `${file}: unsafe DOM or eval`);
  }
});
