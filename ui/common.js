// common.js - shared helpers of the sovsync pages (no framework, no CDN).
'use strict';

const sov = {
  async get(name) {
    const r = await fetch('/api/' + name, { credentials: 'same-origin' });
    const body = await r.json().catch(() => ({ error: r.status + ' ' + r.statusText }));
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  },
  async post(name, data) {
    const r = await fetch('/api/' + name, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(data || {}),
    });
    const body = await r.json().catch(() => ({ error: r.status + ' ' + r.statusText }));
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  },
  // el('div', {class: 'x', 'data-k': 'v'}, child, 'text', ...)
  el(tag, attrs, ...children) {
    const ns = ['svg', 'path', 'circle', 'line', 'text', 'polyline', 'g', 'rect', 'title'];
    const e = ns.includes(tag) ? document.createElementNS('http://www.w3.org/2000/svg', tag)
                               : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'onclick') e.addEventListener('click', v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },
  // Replace the children of the element with id `id`.
  fill(id, ...children) {
    const e = document.getElementById(id);
    if (e) e.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
    return e;
  },
  text(id, value) {
    const e = document.getElementById(id);
    if (e) e.textContent = value === null || value === undefined ? '—' : String(value);
  },
  when(iso) {
    if (!iso) return 'never';
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    return d.toLocaleString(undefined, { hour12: false });
  },
  ms(v) {
    if (v === null || v === undefined) return '—';
    return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms';
  },
  bytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1048576).toFixed(1) + ' MiB';
  },
  // Run `fn` now and every `ms`, never two at a time.
  poll(fn, ms) {
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try { await fn(); } finally { busy = false; }
    };
    tick();
    return setInterval(tick, ms);
  },
};
