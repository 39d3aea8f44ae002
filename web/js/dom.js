// Tiny DOM builder. Everything is built with createElement and textContent:
// no innerHTML (no injection from names the server relays) and no style
// attributes (the Content-Security-Policy forbids inline style).

const SVG_NS = 'http://www.w3.org/2000/svg';

function assign(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** h('button', {class: 'x', onClick: f}, 'label', child...) -> HTMLElement */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  assign(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  assign(el, attrs);
  append(el, children);
  return el;
}

/** Replace the children of el, keeping focus on the element with the same
 *  data-key (and the caret in a text field) across re-renders. */
export function render(el, ...children) {
  const active = document.activeElement;
  const key = active && el.contains(active) ? active.dataset.key : undefined;
  const caret = key && 'selectionStart' in active ? active.selectionStart : null;
  el.replaceChildren();
  append(el, children);
  if (key) {
    const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (!again && el.hasAttribute('tabindex')) el.focus({ preventScroll: true }); // the control went away
    if (again) {
      again.focus();
      if (caret !== null && typeof again.setSelectionRange === 'function') {
        try { again.setSelectionRange(caret, caret); } catch { /* not a text field */ }
      }
    }
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
