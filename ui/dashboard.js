// dashboard.js - /settings/sync: status, metrics, history, chart; live.
'use strict';

const METRICS = ['totalSyncs', 'successfulSyncs', 'failedSyncs', 'averageSyncDuration',
  'lastSyncTimestamp', 'pendingChanges', 'conflictsResolved'];

function showStatus(st) {
  const h = st.health || {};
  const badge = document.getElementById('health');
  badge.textContent = h.status || '?';
  badge.className = 'badge ' + (h.status || '');
  sov.text('consecutive-failures', h.consecutiveFailures);
  sov.text('last-error', h.lastError || 'none');
  const hooks = st.hooks || {};
  sov.text('hooks', !hooks.installed ? 'not installed'
    : hooks.active ? 'active' : 'BYPASSED: run sovsync install');
  sov.text('branch', (st.branch || '(detached)') + ' → ' + (st.syncBranch || '?'));
  sov.text('upstream', st.upstream || 'none (not fetched yet)');
  sov.text('ahead-behind', st.ahead === null || st.ahead === undefined ? '—'
    : st.ahead + ' ahead, ' + st.behind + ' behind');
  sov.text('last-push', sov.when((st.lastSync || {}).localToRemote));
  sov.text('last-pull', sov.when((st.lastSync || {}).remoteToLocal));
  const q = st.webhookQueue || {};
  sov.text('webhook-pending', q.pending);
  sov.text('webhook-failed', q.failed);
  for (const m of METRICS) {
    const e = document.querySelector('[data-metric="' + m + '"]');
    let v = st[m];
    if (m === 'averageSyncDuration') v = sov.ms(v);
    else if (m === 'lastSyncTimestamp') v = sov.when(v);
    e.textContent = v === null || v === undefined ? '—' : String(v);
    e.setAttribute('data-value', st[m] === null || st[m] === undefined ? '' : String(st[m]));
  }
  const pc = st.pendingConflicts || [];
  sov.fill('conflicts', pc.length ? pc.map((p) => sov.el('li', { 'data-path': p }, p))
    : sov.el('li', { class: 'muted' }, 'No pending conflicts.'));
  sov.text('nav-conflicts', pc.length ? '(' + pc.length + ')' : '');
}

function showChanges(ch) {
  const list = ch.changes || [];
  sov.fill('changes', list.length
    ? list.map((c) => sov.el('li', { 'data-path': c.path }, c.status + '  ' + c.path))
    : sov.el('li', { class: 'muted' }, 'Nothing uncommitted under ' + (ch.root || 'the root') + '.'));
}

function moved(e) {
  const parts = [];
  if (e.files) parts.push('committed ' + e.files + (e.files === 1 ? ' file' : ' files')
    + (e.commit ? ' (' + e.commit + ')' : ''));
  if (e.merged) parts.push('merged');
  if (e.pushed) parts.push('pushed');
  if (!parts.length && !e.error) parts.push('nothing to do');
  return parts.join(', ') + (e.error ? (parts.length ? '; ' : '') + e.error : '');
}

function showHistory(list) {
  const rows = list.slice().reverse().map((e) => sov.el('tr', { 'data-result': e.result },
    sov.el('td', {}, sov.when(e.time)),
    sov.el('td', {}, sov.el('span', { class: 'badge ' + e.result }, e.result)),
    sov.el('td', { class: 'num' }, sov.ms(e.durationMs)),
    sov.el('td', { class: e.error ? 'error' : '' }, moved(e))));
  sov.fill('history', rows.length ? rows
    : sov.el('tr', {}, sov.el('td', { colspan: 4, class: 'muted' }, 'No sync cycle yet.')));
  drawChart(list);
}

function drawChart(list) {
  const W = 1000, H = 220, L = 60, R = 12, T = 12, B = 28;
  const svg = sov.el('svg', { viewBox: `0 0 ${W} ${H}`, id: 'duration-chart',
    role: 'img', 'aria-label': 'sync durations over time', 'data-points': list.length });
  if (!list.length) {
    svg.append(sov.el('text', { x: W / 2, y: H / 2, class: 'lbl', 'text-anchor': 'middle' },
      'No sync cycle yet.'));
    sov.fill('chart', svg);
    return;
  }
  const times = list.map((e) => Date.parse(e.time));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const maxD = Math.max(1, ...list.map((e) => e.durationMs));
  const x = (t) => L + (t1 === t0 ? (W - L - R) / 2 : (t - t0) / (t1 - t0) * (W - L - R));
  const y = (d) => H - B - d / maxD * (H - T - B);
  svg.append(sov.el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
    sov.el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
    sov.el('text', { x: L - 6, y: T + 4, class: 'lbl', 'text-anchor': 'end' }, sov.ms(maxD)),
    sov.el('text', { x: L - 6, y: H - B, class: 'lbl', 'text-anchor': 'end' }, '0'),
    sov.el('text', { x: L, y: H - 8, class: 'lbl' }, sov.when(list[0].time)),
    sov.el('text', { x: W - R, y: H - 8, class: 'lbl', 'text-anchor': 'end' },
      sov.when(list[list.length - 1].time)));
  svg.append(sov.el('polyline', { class: 'dur',
    points: list.map((e, i) => x(times[i]) + ',' + y(e.durationMs)).join(' ') }));
  list.forEach((e, i) => svg.append(sov.el('circle', { cx: x(times[i]), cy: y(e.durationMs),
    r: 3.5, class: 'point ' + e.result },
  sov.el('title', {}, sov.when(e.time) + ': ' + e.result + ', ' + sov.ms(e.durationMs)))));
  sov.fill('chart', svg);
}

async function refresh() {
  const live = document.getElementById('live');
  try {
    const [st, hist, ch] = await Promise.all([sov.get('status'), sov.get('history'),
      sov.get('changes')]);
    showStatus(st);
    showHistory(hist);
    showChanges(ch);
    live.textContent = 'live · updated ' + new Date().toLocaleTimeString(undefined, { hour12: false });
    live.className = 'live';
  } catch (err) {
    live.textContent = 'not updating: ' + err.message;
    live.className = 'live error';
  }
}

document.getElementById('sync-now').addEventListener('click', async (ev) => {
  const b = ev.target, out = document.getElementById('sync-result');
  b.disabled = true;
  out.textContent = 'syncing…';
  out.className = 'muted';
  try {
    const r = await sov.post('sync', {});
    out.textContent = r.line;
    out.className = r.outcome === 'ok' ? 'muted' : 'error';
  } catch (err) {
    out.textContent = err.message;
    out.className = 'error';
  } finally {
    b.disabled = false;
    refresh();
  }
});

sov.poll(refresh, 1000);
