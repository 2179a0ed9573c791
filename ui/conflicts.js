// conflicts.js - /settings/sync/conflicts: one card per queued conflict.
'use strict';

const shown = new Map();   // path -> card element

// Longest-common-subsequence line diff: [{op: ' '|'-'|'+', line}].
function diffLines(a, b) {
  const n = a.length, m = b.length;
  if (n * m > 4e6) {   // too big for the table: show both whole
    return a.map((l) => ({ op: '-', line: l })).concat(b.map((l) => ({ op: '+', line: l })));
  }
  const w = m + 1, t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1
        : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({ op: ' ', line: a[i] }); i++; j++; }
    else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) out.push({ op: '-', line: a[i++] });
    else out.push({ op: '+', line: b[j++] });
  }
  while (i < n) out.push({ op: '-', line: a[i++] });
  while (j < m) out.push({ op: '+', line: b[j++] });
  return out;
}

function splitLines(s) {
  const l = s.split('\n');
  if (l.length && l[l.length - 1] === '') l.pop();
  return l;
}

// The two <pre> of a text conflict: local shows what only it has (-), remote (+).
function textSides(local, remote) {
  const d = diffLines(splitLines(local), splitLines(remote));
  const mk = (keep, cls) => sov.el('pre', { class: 'diff' },
    d.filter((x) => x.op === ' ' || x.op === keep)
      .map((x) => sov.el('span', { class: x.op === keep ? cls : null }, x.line === '' ? '\u00a0' : x.line)));
  return [mk('-', 'del'), mk('+', 'add')];
}

function flatten(v, prefix, out) {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v)) flatten(v[k], prefix ? prefix + '.' + k : k, out);
    if (!Object.keys(v).length && prefix) out.set(prefix, '{}');
  } else {
    out.set(prefix || '(document)', JSON.stringify(v));
  }
  return out;
}

// A JSON conflict: one row per changed key, in each side's column.
function jsonSides(a, b) {
  const fa = flatten(a, '', new Map()), fb = flatten(b, '', new Map());
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort()
    .filter((k) => fa.get(k) !== fb.get(k));
  const mk = (f) => sov.el('table', { class: 'json-keys' },
    sov.el('thead', {}, sov.el('tr', {}, sov.el('th', {}, 'changed key'), sov.el('th', {}, 'value'))),
    sov.el('tbody', {}, keys.length ? keys.map((k) => sov.el('tr', { 'data-key': k },
      sov.el('td', {}, k), sov.el('td', {}, f.has(k) ? f.get(k) : '(absent)')))
      : sov.el('tr', {}, sov.el('td', { colspan: 2, class: 'muted' }, 'no key differs'))));
  return [mk(fa), mk(fb)];
}

function binarySide(v) {
  return sov.el('dl', { class: 'kv binary' },
    sov.el('dt', {}, 'size'), sov.el('dd', {}, sov.bytes(v.size) + ' (' + v.size + ' bytes)'),
    sov.el('dt', {}, 'sha256'), sov.el('dd', {}, v.sha256));
}

// When and by whom this side's version was written (the commit that wrote
// it, from the queue), then where: the side's commit the merge took it from.
function sideMeta(side) {
  const w = side.written || {}, c = side.commit;
  const when = w.written_at ? 'written ' + sov.when(w.written_at) : null;
  const who = w.author ? 'by ' + w.author.replace(/ <[^>]*>$/, '') : null;
  const where = c ? [c.id ? 'in ' + c.id.slice(0, 7) : null,
    c.summary ? '“' + c.summary + '”' : null,
    !when && c.time ? sov.when(c.time) : null,
    !who && c.author ? 'by ' + c.author : null] : ['commit unknown'];
  return [when, who].concat(where).filter(Boolean).join(' · ');
}

function bodies(d) {
  const l = d.local.version, r = d.remote.version;
  if (l.deleted || r.deleted) {
    const one = (v) => v.deleted ? sov.el('p', { class: 'muted' }, 'deleted on this side')
      : v.binary ? binarySide(v) : sov.el('pre', { class: 'diff' }, splitLines(v.text || '')
        .map((x) => sov.el('span', {}, x === '' ? '\u00a0' : x)));
    return [one(l), one(r)];
  }
  if (l.error || r.error) return [sov.el('p', { class: 'error' }, l.error || ''),
    sov.el('p', { class: 'error' }, r.error || '')];
  if (l.binary || r.binary) return [binarySide(l), binarySide(r)];
  if (l.json != null && r.json != null) return jsonSides(l.json, r.json);
  return textSides(l.text, r.text);
}

function card(d) {
  const e = d.entry, path = e.path;
  const [lb, rb] = bodies(d);
  const status = sov.el('p', { class: 'card-status' });
  const editor = sov.el('div', { class: 'edit-area' });
  const act = async (choice, content) => {
    status.textContent = 'resolving…';
    status.className = 'card-status muted';
    for (const b of node.querySelectorAll('button')) b.disabled = true;
    try {
      const body = { path, choice };
      if (content !== undefined) body.content = content;
      await sov.post('resolve', body);
      node.remove();
      shown.delete(path);
      empty();
    } catch (err) {
      status.textContent = err.message;
      status.className = 'card-status error';
      for (const b of node.querySelectorAll('button')) b.disabled = false;
    }
  };
  const canEdit = e.kind !== 'binary' && typeof d.current === 'string';
  const openEditor = () => {
    const ta = sov.el('textarea', { class: 'editor', 'aria-label': 'edited version of ' + path });
    ta.value = d.current;
    editor.replaceChildren(ta, sov.el('div', { class: 'actions' },
      sov.el('button', { class: 'primary', 'data-action': 'accept', onclick: () => act('edit', ta.value) },
        'Accept edited version'),
      sov.el('button', { onclick: () => editor.replaceChildren() }, 'Cancel')));
  };
  const node = sov.el('section', { class: 'card conflict', 'data-path': path, 'data-kind': e.kind },
    sov.el('h2', {}, path),
    sov.el('p', { class: 'muted' }, e.kind + (e.deleted_by ? ' (deleted by ' +
      (e.deleted_by === 'ours' ? 'local' : 'remote') + ')' : '') + ' · detected ' +
      sov.when(e.detected_at) + ' on ' + e.source),
    sov.el('div', { class: 'sides' },
      sov.el('div', { class: 'side local' }, sov.el('h3', {}, 'Local'),
        sov.el('div', { class: 'meta' }, sideMeta(d.local)), lb),
      sov.el('div', { class: 'side remote' }, sov.el('h3', {}, 'Remote'),
        sov.el('div', { class: 'meta' }, sideMeta(d.remote)), rb)),
    sov.el('div', { class: 'actions' },
      sov.el('button', { 'data-action': 'local', onclick: () => act('local') }, 'Keep local'),
      sov.el('button', { 'data-action': 'remote', onclick: () => act('remote') }, 'Keep remote'),
      sov.el('button', { 'data-action': 'both', onclick: () => act('both') },
        'Keep both'),
      sov.el('button', { 'data-action': 'edit', disabled: !canEdit, onclick: openEditor },
        'Edit then accept')),
    editor, status);
  return node;
}

function empty() {
  const cards = document.getElementById('cards');
  const none = cards.querySelector('.empty');
  if (!shown.size && !none) cards.append(sov.el('div', { class: 'empty card' }, 'No pending conflicts.'));
  if (shown.size && none) none.remove();
}

async function refresh() {
  const live = document.getElementById('live');
  try {
    const queue = await sov.get('conflicts');
    const paths = new Set(queue.map((c) => c.path));
    for (const [p, node] of shown) {
      if (!paths.has(p)) { node.remove(); shown.delete(p); }
    }
    for (const c of queue) {
      const old = shown.get(c.path);
      if (old && old.getAttribute('data-detected') === c.detected_at) continue;
      const d = await sov.get('conflict?path=' + encodeURIComponent(c.path));
      const node = card(d);
      node.setAttribute('data-detected', c.detected_at);
      if (old) old.replaceWith(node); else document.getElementById('cards').append(node);
      shown.set(c.path, node);
    }
    empty();
    live.textContent = 'live · updated ' + new Date().toLocaleTimeString(undefined, { hour12: false });
    live.className = 'live';
  } catch (err) {
    live.textContent = 'not updating: ' + err.message;
    live.className = 'live error';
  }
}

sov.poll(refresh, 1000);
