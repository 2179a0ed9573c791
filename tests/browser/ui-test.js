// ui-test.js URL OUTDIR DOC EXPECT_TOTAL EXPECT_CYCLES
// ui-test.js --probe      (whether chromium starts: exit 0 or 77)
// ui-test.js --live URL FILE   (see live() below)
//
// Drives Debian's chromium (puppeteer-core; no browser download) through
// the pages of `sovsync ui` for tests/t7001-ui-browser.sh:
//   1. the dashboard shows the metrics (totalSyncs = EXPECT_TOTAL) and the
//      history chart (EXPECT_CYCLES points); screenshot dashboard.png;
//   2. the resolver shows a card for DOC with both sides; screenshot
//      conflicts.png; "Keep remote" is clicked and the card disappears.
// Exit 0: all held; 1: a check failed (the reason on stderr); 77: chromium
// cannot start (the reason on stdout, for a TAP skip).
'use strict';

const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [url, outdir, doc, expectTotal, expectCycles] = process.argv.slice(2);
const TIMEOUT = 30000;

function chromiumPath() {
  const c = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']
    .filter(Boolean);
  return c.find((p) => fs.existsSync(p));
}

async function main() {
  const probe = process.argv[2] === '--probe';
  const exe = chromiumPath();
  if (!exe) {
    console.log('no chromium found (/usr/bin/chromium; set CHROMIUM)');
    return 77;
  }
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: exe,
      headless: true,
      timeout: TIMEOUT,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        '--no-first-run', '--no-default-browser-check'],
    });
  } catch (err) {
    console.log('chromium cannot start: ' + String(err.message).split('\n')[0]);
    return 77;
  }
  if (probe) {
    await browser.close();
    return 0;
  }
  if (url === '--live') return live(browser);
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.setViewport({ width: 1280, height: 1400 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) errors.push(r.status() + ' ' + r.url()); });

    // 1. The dashboard: the token in the URL becomes a cookie, the URL loses it.
    await page.goto(url, { waitUntil: 'load' });
    if (page.url().includes('token=')) throw new Error('token left in the URL: ' + page.url());
    await page.waitForFunction((n) => {
      const e = document.querySelector('[data-metric="totalSyncs"]');
      return e && e.getAttribute('data-value') === n;
    }, {}, expectTotal);
    await page.waitForFunction((n) => {
      const svg = document.getElementById('duration-chart');
      return svg && svg.querySelectorAll('circle.point').length === Number(n);
    }, {}, expectCycles);
    const metrics = await page.$$eval('[data-metric]', (l) => l.map((e) => [
      e.getAttribute('data-metric'), e.getAttribute('data-value')]));
    for (const [name, value] of metrics) console.log('metric ' + name + '=' + value);
    if (metrics.length !== 7) throw new Error('expected 7 metrics, saw ' + metrics.length);
    const rows = await page.$$eval('#history tr[data-result]', (l) => l.length);
    console.log('history rows ' + rows);
    const failed = await page.$$eval('#chart circle.point.failed', (l) => l.length);
    console.log('chart failed points ' + failed);
    const health = await page.$eval('#health', (e) => e.textContent);
    console.log('health ' + health);
    await page.screenshot({ path: path.join(outdir, 'dashboard.png'), fullPage: true });

    // 2. The resolver: the card, both sides, keep remote.
    await page.goto(new URL('/settings/sync/conflicts', url).href, { waitUntil: 'load' });
    const sel = `section.conflict[data-path="${doc}"]`;
    await page.waitForSelector(sel);
    const sides = await page.$eval(sel, (c) => [
      c.querySelector('.side.local pre, .side.local table, .side.local dl').innerText,
      c.querySelector('.side.remote pre, .side.remote table, .side.remote dl').innerText,
      c.querySelectorAll('span.del, span.add').length]);
    console.log('local side: ' + JSON.stringify(sides[0]));
    console.log('remote side: ' + JSON.stringify(sides[1]));
    console.log('highlighted lines ' + sides[2]);
    // When, by whom and where each side was written.
    for (const side of ['local', 'remote']) {
      console.log('meta ' + side + ': ' + await page.$eval(`${sel} .side.${side} .meta`,
        (e) => e.textContent));
    }
    if (!sides[2]) throw new Error('no line of the diff is highlighted');
    // A JSON document: one row per changed key; a binary one: size and hash.
    await page.waitForSelector('section.conflict[data-path$=".json"] tr[data-key]');
    for (const side of ['local', 'remote']) {
      const keys = await page.$$eval(`section.conflict[data-path$=".json"] .side.${side} tr[data-key]`,
        (l) => l.map((r) => r.getAttribute('data-key') + '=' + r.children[1].textContent));
      console.log('json keys ' + side + ': ' + keys.join(' '));
      const bin = await page.$eval(`section.conflict[data-kind="binary"] .side.${side} dl.binary`,
        (e) => e.innerText.replace(/\s+/g, ' '));
      console.log('binary ' + side + ': ' + bin);
    }
    await page.screenshot({ path: path.join(outdir, 'conflicts.png'), fullPage: true });
    const cards = await page.$$eval('section.conflict', (l) => l.length);
    await page.click(`${sel} button[data-action="remote"]`);
    await page.waitForFunction((s) => !document.querySelector(s), {}, sel);
    // Gone for good: the next refreshes do not bring it back.
    await new Promise((r) => setTimeout(r, 2500));
    if (await page.$(sel)) throw new Error('the card came back');
    const left = await page.$$eval('section.conflict', (l) => l.length);
    if (left !== cards - 1) throw new Error(`cards: ${cards} before, ${left} after`);
    console.log('card gone');
    await page.screenshot({ path: path.join(outdir, 'resolved.png'), fullPage: true });

    // 3. "Sync now": one more cycle, shown in the metrics and the history.
    await page.goto(new URL('/settings/sync', url).href, { waitUntil: 'load' });
    await page.waitForFunction((n) => document.querySelector('[data-metric="totalSyncs"]')
      .getAttribute('data-value') === n, {}, expectTotal);
    await page.click('#sync-now');
    await page.waitForFunction(() => /^ok /.test(document.getElementById('sync-result').textContent));
    console.log('sync now: ' + await page.$eval('#sync-result', (e) => e.textContent));
    await page.waitForFunction((n) => document.querySelector('[data-metric="totalSyncs"]')
      .getAttribute('data-value') === n, {}, String(Number(expectTotal) + 1));
    await page.waitForFunction((n) => document.querySelectorAll('#history tr[data-result]').length === n,
      {}, Number(expectCycles) + 1);
    console.log('after sync now: totalSyncs ' + (Number(expectTotal) + 1));
    if (errors.length) throw new Error('errors in the page: ' + errors.join('; '));
    return 0;
  } finally {
    await browser.close();
  }
}

// ui-test.js --live URL FILE: with `sovsync watch` running, the open
// dashboard follows it: FILE is written, and the page shows the cycle that
// committed it (totalSyncs up, a new history row) without a reload.
async function live(browser) {
  const [, liveUrl, file] = process.argv.slice(2);
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(liveUrl, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('#history tr[data-result]').length > 0);
    const before = await page.$eval('[data-metric="totalSyncs"]', (e) => Number(e.getAttribute('data-value')));
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    fs.writeFileSync(file, 'written while the dashboard was open\n');
    await page.waitForFunction((n) => Number(document.querySelector('[data-metric="totalSyncs"]')
      .getAttribute('data-value')) > n, {}, before);
    await page.waitForFunction((name) => [...document.querySelectorAll('#history tr[data-result]')]
      .some((r) => r.textContent.includes('committed 1 file')), {}, path.basename(file));
    const after = await page.$eval('[data-metric="totalSyncs"]', (e) => e.getAttribute('data-value'));
    const loads2 = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    console.log('live: totalSyncs ' + before + ' -> ' + after + ', page loads ' + loads + ' -> ' + loads2);
    return 0;
  } finally {
    await browser.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error('ui-test.js: ' + (err && err.stack ? err.stack : err));
  process.exit(1);
});
