#!/usr/bin/env node
// End-to-end tests of the dashboard in Debian's Chromium (playwright-core, no downloaded
// browsers) against a real `sentio serve --demo` (E2E_TARGET=real) or the mock server
// (E2E_TARGET=mock). Screenshots go to build/e2e-screenshots/, figures to
// build/e2e-screenshots/metrics.json. Last line: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const SHOTS = path.join(ROOT, 'build/e2e-screenshots');
const LOGS = path.join(ROOT, 'build/e2e-logs');
const WEB_DIR = path.join(ROOT, 'web/dist');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const SENTIO_BIN = path.resolve(ROOT, process.env.SENTIO_BIN ?? 'build/bin/sentio');
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
fs.mkdirSync(SHOTS, { recursive: true });
fs.mkdirSync(LOGS, { recursive: true });

function realServerUsable() {
  if (!fs.existsSync(SENTIO_BIN)) return false;
  const r = spawnSync(SENTIO_BIN, ['serve', '--help'], { timeout: 10000, encoding: 'utf8' });
  return r.status === 0 && /--web-dir/.test(`${r.stdout}${r.stderr}`) && /--demo/.test(`${r.stdout}${r.stderr}`);
}
let TARGET = process.env.E2E_TARGET;
if (!TARGET) {
  TARGET = realServerUsable() ? 'real' : 'mock';
  if (TARGET === 'mock') console.log(`note: ${SENTIO_BIN} missing or without 'serve --demo --web-dir'; using the mock server (set E2E_TARGET=real to insist)`);
}
if (TARGET !== 'real' && TARGET !== 'mock') {
  console.error(`E2E_TARGET must be real or mock, not ${TARGET}`);
  process.exit(2);
}
if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
  console.error('web/dist/index.html missing: run scripts/web-build.sh first');
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// ------------------------------------------------------------------ server control
class Server {
  constructor(port, dataDir) {
    this.port = port;
    this.dataDir = dataDir;
    this.base = `http://127.0.0.1:${port}`;
    this.proc = null;
    this.starts = 0;
  }
  async start() {
    this.starts += 1;
    const log = fs.openSync(path.join(LOGS, `server-${TARGET}-${this.starts}.log`), 'w');
    const [cmd, args] = TARGET === 'real'
      ? [SENTIO_BIN, ['serve', '--demo', '--port', String(this.port), '--data-dir', this.dataDir, '--web-dir', WEB_DIR]]
      : [process.execPath, [path.join(HERE, 'mock-server.mjs'), '--port', String(this.port), '--web-dir', WEB_DIR, '--rate', '2']];
    this.proc = spawn(cmd, args, { stdio: ['ignore', log, log], env: { ...process.env } });
    const exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
    this.exited = exited;
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      const code = await Promise.race([exited, sleep(200).then(() => undefined)]);
      if (code !== undefined) throw new Error(`server exited with ${code}; see ${LOGS}`);
      try {
        const r = await fetch(`${this.base}/api/health`);
        if (r.status === 200) return;
      } catch { /* not up yet */ }
    }
    throw new Error('server did not become healthy within 60 s');
  }
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(10000).then(() => 'timeout')]);
    if (code === 'timeout') { this.proc.kill('SIGKILL'); await this.exited; }
  }
  async api(method, p, body, headers = {}) {
    const r = await fetch(`${this.base}${p}`, {
      method, headers: body !== undefined ? { 'Content-Type': 'application/json', ...headers } : headers,
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not json */ }
    if (!r.ok) throw new Error(`${method} ${p} -> ${r.status}: ${text.slice(0, 300)}`);
    return json;
  }
  ingest(posts) {
    return this.api('POST', '/api/ingest', { posts });
  }
}

// ------------------------------------------------------------------ mini test runner
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const figures = { target: TARGET };
function assert(cond, msg) { if (!cond) throw new Error(msg); }
class Skip extends Error {}

const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

let browser; let server; let consoleErrors = []; let ignoreNetErrors = false;
async function newPage(opts = {}) {
  const page = await browser.newPage();
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  else await page.setViewportSize({ width: 1366, height: 900 });
  if (opts.colorScheme) await page.emulateMedia({ colorScheme: opts.colorScheme });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const t = m.text();
    if (ignoreNetErrors && /WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource|ERR_EMPTY_RESPONSE|net::/.test(t)) return;
    consoleErrors.push(`console: ${t}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return page;
}
async function openOverview(page, query = '') {
  await page.goto(`${server.base}/${query}`);
  await page.waitForSelector('.status[data-mode="live"]', { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('main')?.dataset.loaded, null, { timeout: 15000 });
}
const shot = (page, name, full = false) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: full });

/** Counts canvas pixels that are not (nearly) transparent. */
async function canvasInk(page, sel) {
  return page.$eval(sel, (c) => {
    const ctx = c.getContext('2d');
    if (!ctx || !c.width || !c.height) return 0;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 16) if (d[i] > 10) n++;
    return n;
  });
}

// ------------------------------------------------------------------ tests
test('overview loads with live status, metrics and drawn charts, no console errors', async () => {
  const page = await newPage();
  const t0 = Date.now();
  await openOverview(page);
  // wait until there is data (demo generator / seeded mock)
  await page.waitForFunction(() => Number((document.querySelector('[data-testid=m-total]')?.textContent ?? '0').replace(/[^0-9]/g, '')) > 0, null, { timeout: 30000 });
  await page.waitForFunction(() => Number(document.querySelector('.chart-box')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 15000 });
  await page.waitForTimeout(300);
  const ink = await canvasInk(page, '[data-testid=trend-card] canvas');
  assert(ink > 200, `trend canvas looks empty (${ink} inked samples)`);
  const arcs = await page.$$eval('[data-testid=donut-card] circle[data-part]', (els) => els.length);
  assert(arcs >= 1, 'donut has no data arcs');
  const feedRows = await page.$$eval('.feed-row', (els) => els.length);
  assert(feedRows > 0, 'live feed is empty');
  const emo = await page.$$eval('[data-testid=emotion-card] .bar-row', (els) => els.length);
  assert(emo > 0, 'emotion bars are empty');
  await shot(page, 'overview-desktop-light');
  figures.overview_ready_ms = Date.now() - t0;
  await page.close();
});

test('first meaningful paint on loopback', async () => {
  const page = await newPage();
  await page.goto(`${server.base}/`);
  const t = await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid=m-total]')?.textContent ?? '';
    const pts = Number(document.querySelector('.chart-box')?.getAttribute('data-points') ?? 0);
    return /[0-9]/.test(v) && pts > 0 && document.querySelector('.feed-row') ? performance.now() : false;
  }, null, { timeout: 20000, polling: 'raf' });
  const meaningful = await t.jsonValue();
  const nav = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
    const n = performance.getEntriesByType('navigation')[0];
    return { fcp, dcl: n?.domContentLoadedEventEnd ?? null, load: n?.loadEventEnd ?? null, transfer: performance.getEntriesByType('resource').reduce((a, r) => a + (r.transferSize || 0), 0) + (n?.transferSize ?? 0) };
  });
  figures.first_contentful_paint_ms = nav.fcp && Math.round(nav.fcp);
  figures.first_meaningful_paint_ms = Math.round(meaningful);
  figures.dom_content_loaded_ms = nav.dcl && Math.round(nav.dcl);
  figures.transfer_bytes = nav.transfer;
  assert(meaningful < 5000, `data on screen only after ${Math.round(meaningful)} ms`);
  await page.close();
});

test('a post ingested through POST /api/ingest appears in the live feed within 2 s', async () => {
  const page = await newPage();
  await openOverview(page);
  const marker = `e2e-live-${uniq()}`;
  const t0 = Date.now();
  await server.ingest([{ post_id: marker, source: 'e2e', content: `Absolutely love this release ${marker}`, author: 'e2e-bot', created_at: new Date().toISOString() }]);
  await page.waitForSelector(`.feed-row[data-post-id="${marker}"]`, { timeout: 2000 });
  figures.ingest_to_feed_ms = Date.now() - t0;
  // click -> detail drawer
  await page.click(`.feed-row[data-post-id="${marker}"]`);
  await page.waitForSelector('[data-testid=post-drawer]');
  const txt = await page.textContent('[data-testid=post-drawer]');
  assert(txt.includes(marker) && txt.includes('e2e-bot'), 'drawer does not show the post');
  await shot(page, 'post-drawer');
  await page.keyboard.press('Escape');
  assert(!(await page.$('[data-testid=post-drawer]')), 'drawer did not close on Escape');
  await page.close();
});

test('changing a filter updates the URL and the charts; back/forward restore it', async () => {
  const page = await newPage();
  const src = `e2e-filter-${uniq()}`;
  const now = Date.now();
  await server.ingest(Array.from({ length: 6 }, (_, i) => ({ post_id: `${src}-${i}`, source: src, content: i < 4 ? `terrible awful broken ${i}` : `love it great ${i}`, created_at: new Date(now - i * 1000).toISOString() })));
  await sleep(1500);
  await openOverview(page);
  const before = await page.textContent('[data-testid=m-total]');
  const donutBefore = await page.getAttribute('[data-testid=donut-card] svg', 'aria-label');
  await page.fill('[data-filter=q]', '');
  await page.selectOption('[data-filter=source]', src).catch(async () => {
    // the source may not be in the list yet: set it through the URL instead
    await page.goto(`${server.base}/?source=${src}`);
  });
  await page.waitForFunction((s) => location.search.includes(`source=${s}`), src, { timeout: 5000 });
  // The demo stream keeps changing the unfiltered total, so wait for the filtered value itself.
  await page.waitForFunction(() => (document.querySelector('[data-testid=m-total]')?.textContent ?? '').replace(/\D/g, '') === '6', null, { timeout: 10000 }).catch(() => {});
  const after = await page.textContent('[data-testid=m-total]');
  void before;
  assert(after.replace(/\D/g, '') === '6', `filtered total should be 6, got ${after}`);
  const donutAfter = await page.getAttribute('[data-testid=donut-card] svg', 'aria-label');
  assert(donutAfter !== donutBefore && /of 6 posts/.test(donutAfter), `donut did not follow the filter: ${donutAfter}`);
  await page.selectOption('[data-filter=sentiment]', 'negative');
  await page.waitForFunction(() => location.search.includes('sentiment=negative'));
  await page.waitForFunction(() => (document.querySelector('[data-testid=m-total]')?.textContent ?? '').replace(/\D/g, '') === '4', null, { timeout: 10000 });
  const rows = await page.$$eval('.feed-row', (els) => els.map((e) => e.className));
  assert(rows.length === 4 && rows.every((c) => c.includes('s-negative')), `feed should show 4 negative posts, has ${rows.length}`);
  await shot(page, 'overview-filtered');
  await page.goBack();
  await page.waitForFunction(() => !location.search.includes('sentiment='));
  await page.waitForFunction(() => document.querySelector('[data-filter=sentiment]')?.value === '');
  await page.waitForFunction(() => (document.querySelector('[data-testid=m-total]')?.textContent ?? '').replace(/\D/g, '') === '6', null, { timeout: 10000 });
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('[data-filter=sentiment]')?.value === 'negative');
  // shareable: a fresh page with the same URL shows the same state
  const url = page.url();
  const p2 = await newPage();
  await p2.goto(url);
  await p2.waitForFunction(() => document.querySelector('[data-filter=sentiment]')?.value === 'negative');
  assert(await p2.$eval('[data-filter=source]', (e) => e.value) === src, 'source filter not restored from URL');
  await p2.close();
  await page.close();
});

test('an alert raised by many negative posts appears in the alerts panel', async () => {
  const page = await newPage();
  await openOverview(page);
  const src = `e2e-alert-${uniq()}`;
  const rule = { id: `e2e-neg-${uniq()}`, type: 'negative_share', threshold: 0.5, window_s: 60, min_posts: 5, cooldown_s: 0, scope: 'source', scope_value: src, enabled: true, webhook_url: null };
  const put = await server.api('PUT', '/api/alerts/rules', { rules: [rule] });
  const saved = Array.isArray(put) ? put : put?.rules;
  assert(Array.isArray(saved) && saved.some((r) => r.id === rule.id), 'PUT /api/alerts/rules did not echo the rule');
  const negatives = ['This is terrible, I hate it', 'Worst update ever, totally broken', 'Awful, useless and slow', 'I hate this so much, disgusting',
    'Terrible quality, what a scam', 'Broken again, worst app', 'So disappointed, awful', 'I hate the new layout, terrible', 'Useless garbage, worst ever', 'Awful awful awful'];
  const now = Date.now();
  await server.ingest(Array.from({ length: 20 }, (_, i) => ({ post_id: `${src}-${i}`, source: src, content: `${negatives[i % negatives.length]} #${i}`, created_at: new Date(now).toISOString() })));
  await page.waitForSelector('[data-testid=alerts-panel] li[data-alert-type=negative_share]', { timeout: 15000 });
  const t = await page.textContent('[data-testid=alerts-panel] li');
  assert(/Negative share/.test(t), `unexpected alert text: ${t}`);
  await shot(page, 'overview-alert');
  // alerts page shows history and the rule
  await page.click('nav a[href="/alerts"]');
  await page.waitForSelector(`[data-testid=rules-table] tr[data-rule-id="${rule.id}"]`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=alerts-table] tbody tr td').length > 1);
  await shot(page, 'alerts-page', true);
  await page.close();
});

test('rule editor validates and saves with PUT /api/alerts/rules', async () => {
  const page = await newPage();
  await page.goto(`${server.base}/alerts`);
  await page.waitForSelector('[data-testid=rules-table] tbody tr');
  await page.click('[data-testid=add-rule]');
  await page.fill('input[name=threshold]', '3');
  await page.fill('input[name=min_posts]', '0');
  await page.click('form button[type=submit]');
  const errs = await page.$$eval('.field-error', (e) => e.map((x) => x.textContent).filter(Boolean));
  assert(errs.length >= 2, `validation should flag threshold and min_posts, got ${JSON.stringify(errs)}`);
  const id = `ui-rule-${uniq()}`;
  await page.fill('input[name=id]', id);
  await page.fill('input[name=threshold]', '0.4');
  await page.fill('input[name=min_posts]', '10');
  await page.selectOption('select[name=scope]', 'source');
  await page.fill('input[name=scope_value]', 'youtube');
  await page.click('form button[type=submit]');
  await page.waitForSelector(`[data-testid=rules-table] tr[data-rule-id="${id}"]`);
  const got = await server.api('GET', '/api/alerts/rules');
  const list = Array.isArray(got) ? got : got.rules;
  const r = list.find((x) => x.id === id);
  assert(r && r.threshold === 0.4 && r.min_posts === 10 && r.scope === 'source' && r.scope_value === 'youtube', `server has ${JSON.stringify(r)}`);
  await page.close();
});

test('Try it shows label, scores and a highlighted explanation', async () => {
  const page = await newPage();
  await page.goto(`${server.base}/try`);
  await page.fill('[data-testid=try-input]', 'I love this channel but the audio is terrible');
  await page.click('[data-testid=try-submit]');
  await page.waitForSelector('[data-testid=explanation]', { timeout: 10000 });
  const label = await page.textContent('[data-testid=try-label]');
  assert(['positive', 'negative', 'neutral'].includes(label.trim()), `bad label ${label}`);
  const marks = await page.$$eval('[data-testid=explanation] mark.tok', (m) => m.map((x) => [x.textContent, x.className]));
  assert(marks.length >= 1, 'no highlighted words in the explanation');
  await shot(page, 'try-it', true);
  await page.close();
});

test('Posts page lists posts, pages, and links CSV/JSONL exports', async () => {
  const page = await newPage();
  await page.goto(`${server.base}/posts`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=posts-table] tbody tr').length > 1, null, { timeout: 10000 });
  const href = await page.getAttribute('[data-testid=export-csv]', 'href');
  assert(/\/api\/export\?format=csv/.test(href), `bad export link ${href}`);
  const res = await fetch(new URL(href, server.base));
  assert(res.ok && (await res.text()).length > 0, `export failed: ${res.status}`);
  const first = await page.textContent('[data-testid=posts-table] tbody tr');
  await page.click('button[aria-label="Next page"]');
  await page.waitForFunction((f) => document.querySelector('[data-testid=posts-table] tbody tr')?.textContent !== f, first, { timeout: 10000 });
  await page.fill('[data-filter=q]', 'zzzz-no-such-text');
  await page.waitForFunction(() => location.search.includes('q=zzzz'));
  await page.waitForFunction(() => /No posts/.test(document.querySelector('[data-testid=posts-table] tbody')?.textContent ?? ''), null, { timeout: 10000 });
  await page.fill('[data-filter=q]', '');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=posts-table] tbody tr').length > 1, null, { timeout: 10000 });
  await shot(page, 'posts-page');
  await page.close();
});

test('Models page shows the loaded models', async () => {
  const page = await newPage();
  await page.goto(`${server.base}/models`);
  await page.waitForSelector('[data-testid=models] section.card', { timeout: 10000 });
  const n = await page.$$eval('[data-testid=models] section.card', (e) => e.length);
  assert(n >= 1, 'no model cards');
  await shot(page, 'models-page', true);
  await page.close();
});

test('phone width (390 px) and dark mode render without overflow', async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 } });
  await openOverview(page);
  await page.waitForFunction(() => Number(document.querySelector('.chart-box')?.getAttribute('data-points') ?? 0) > 0);
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `page is ${overflow}px wider than the phone screen`);
  await shot(page, 'overview-phone-light');
  await shot(page, 'overview-phone-light-full', true);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg !== 'rgb(244, 246, 248)', `dark mode did not apply (${bg})`);
  await shot(page, 'overview-phone-dark');
  await page.close();
  const d = await newPage({ colorScheme: 'dark' });
  await openOverview(d);
  await d.waitForFunction(() => Number(document.querySelector('.chart-box')?.getAttribute('data-points') ?? 0) > 0);
  await d.waitForTimeout(300);
  const ink = await canvasInk(d, '[data-testid=trend-card] canvas');
  assert(ink > 200, 'trend chart empty in dark mode');
  await shot(d, 'overview-desktop-dark');
  // the toggle overrides the system preference and persists
  await d.click('button[aria-label="Toggle dark mode"]');
  assert(await d.evaluate(() => document.documentElement.dataset.theme) === 'light', 'toggle did not switch to light');
  await d.reload();
  assert(await d.evaluate(() => document.documentElement.dataset.theme) === 'light', 'theme choice not persisted');
  await d.evaluate(() => localStorage.removeItem('sentio.theme'));
  await d.close();
});

test('keyboard and labels: skip link, visible focus, every control named', async () => {
  const page = await newPage();
  await openOverview(page);
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement?.classList.contains('skip-link')), 'first Tab stop is not the skip link');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert(outline !== 'none', 'focused element has no visible outline');
  const unnamed = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href]')) {
      if (el.closest('[hidden]')) continue;
      const id = el.id;
      const name = el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby'))?.textContent)
        || (id && document.querySelector(`label[for="${id}"]`)?.textContent) || el.closest('label')?.textContent || el.textContent?.trim() || el.getAttribute('title');
      if (!name || !String(name).trim()) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
  });
  assert(unnamed.length === 0, `controls without an accessible name: ${unnamed.join(' | ')}`);
  // Tab through the filters reaches the source select
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('data-filter') === 'source');
  }
  assert(reached, 'could not reach the filters with Tab');
  await page.close();
});

test('text contrast meets WCAG AA in light and dark themes', async () => {
  const page = await newPage();
  const report = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await openOverview(page);
    await page.waitForSelector('.feed-row');
    const bad = await page.evaluate(() => {
      const parse = (c) => { const m = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0]; return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
      const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
      const bgOf = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
        let out = { r: 255, g: 255, b: 255 };
        for (const c of layers.reverse()) out = { r: c.r * c.a + out.r * (1 - c.a), g: c.g * c.a + out.g * (1 - c.a), b: c.b * c.a + out.b * (1 - c.a) };
        return out;
      };
      const sel = '.metric-label, .metric-value, .metric-sub, .nav a, .card h2, .feed-meta span, .feed-right span, .feed-text, .tag, .legend span, .bar-row span, .field-label, .status, .alert-meta, select, input, button';
      const out = [];
      for (const el of document.querySelectorAll(sel)) {
        if (!el.textContent?.trim() && el.tagName !== 'INPUT') continue;
        if (el.closest('[hidden]') || el.getClientRects().length === 0) continue;
        const fg = parse(getComputedStyle(el).color);
        const bg = bgOf(el);
        const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const large = parseFloat(getComputedStyle(el).fontSize) >= 24 || (parseFloat(getComputedStyle(el).fontSize) >= 18.66 && Number(getComputedStyle(el).fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) out.push(`${el.className || el.tagName} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}`);
      }
      return [...new Set(out)];
    });
    report.push(...bad.map((b) => `${scheme}: ${b}`));
  }
  assert(report.length === 0, `low contrast: ${report.slice(0, 12).join('; ')}`);
  await page.close();
});

test('feed stays smooth at 50 posts/s (frame times measured with requestAnimationFrame)', async () => {
  const page = await newPage();
  await openOverview(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const startFrames = () => page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const loop = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 100000) window.__raf = requestAnimationFrame(loop); };
    window.__raf = requestAnimationFrame(loop);
    window.__long = [];
    try { window.__po?.disconnect(); window.__po = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }); window.__po.observe({ type: 'longtask' }); } catch { /* unsupported */ }
  });
  const stopFrames = () => page.evaluate(() => {
    cancelAnimationFrame(window.__raf);
    const f = window.__frames.slice(3).sort((a, b) => a - b);
    const q = (p) => f[Math.min(f.length - 1, Math.floor(p * f.length))] ?? 0;
    return { frames: f.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: f[f.length - 1] ?? 0, over50: f.filter((x) => x > 50).length,
      longTasks: window.__long.length, longMax: Math.max(0, ...window.__long), rows: document.querySelectorAll('.feed-row').length };
  });
  // baseline: same page, no injected stream (tells how busy the machine itself is)
  await startFrames();
  await sleep(2000);
  const base = await stopFrames();
  await startFrames();
  const m0 = await busy();
  const SECONDS = 6;
  const src = `e2e-perf-${uniq()}`;
  const t0 = Date.now();
  let sent = 0;
  for (let tick = 0; tick < SECONDS * 10; tick++) {
    const due = t0 + tick * 100;
    if (Date.now() < due) await sleep(due - Date.now());
    const batch = Array.from({ length: 5 }, (_, i) => ({ post_id: `${src}-${tick}-${i}`, source: src, content: `${['love it', 'meh ok', 'terrible stuff'][(tick + i) % 3]} ${tick}-${i}`, created_at: new Date().toISOString() }));
    server.ingest(batch).catch(() => {});
    sent += batch.length;
  }
  const elapsed = (Date.now() - t0) / 1000;
  await sleep(1000);
  const m1 = await busy();
  const r = await stopFrames();
  const wall = m1.Timestamp - m0.Timestamp;
  const scriptShare = (m1.ScriptDuration - m0.ScriptDuration) / wall;
  const layoutShare = (m1.LayoutDuration + m1.RecalcStyleDuration - m0.LayoutDuration - m0.RecalcStyleDuration) / wall;
  const received = await page.$$eval('.feed-row', (els, s) => els.filter((e) => e.getAttribute('data-post-id')?.startsWith(s)).length, src);
  figures.smooth_50pps = { posts_sent: sent, seconds: +elapsed.toFixed(2), fps: +(r.frames / (elapsed + 1)).toFixed(1), frame_ms_p50: +r.p50.toFixed(1), frame_ms_p95: +r.p95.toFixed(1),
    frame_ms_p99: +r.p99.toFixed(1), frame_ms_max: +r.max.toFixed(1), frames_over_50ms: r.over50, long_tasks: r.longTasks, long_task_max_ms: Math.round(r.longMax),
    main_thread_script_pct: +(scriptShare * 100).toFixed(1), main_thread_style_layout_pct: +(layoutShare * 100).toFixed(1), feed_rows_in_dom: r.rows,
    baseline_idle: { frame_ms_p95: +base.p95.toFixed(1), long_tasks: base.longTasks }, machine_load_1m: +os.loadavg()[0].toFixed(2) };
  assert(r.rows <= 40, `feed is not virtualised: ${r.rows} rows in the DOM`);
  assert(received > 0, 'no perf posts reached the feed');
  // Our own main-thread cost must be small; frame pacing is judged against the idle baseline,
  // because on a loaded shared CI machine even an idle page misses frames.
  assert(scriptShare < 0.3, `script uses ${(scriptShare * 100).toFixed(0)}% of the main thread at 50 posts/s`);
  // The server under test shares the machine's cores with the browser (and, in CI, with
  // compilers), so the bar is: most frames on time, and no sustained stall.
  assert(r.p50 <= 20, `median frame time ${r.p50.toFixed(1)} ms`);
  assert(r.p95 < Math.max(67, base.p95 * 2), `p95 frame time ${r.p95.toFixed(1)} ms (idle baseline ${base.p95.toFixed(1)} ms)`);
  await page.close();
});

test('survives a server restart without a page reload (WS reconnect + polling fallback)', async () => {
  const page = await newPage();
  await openOverview(page);
  await page.evaluate(() => { window.__marker = 'same-page'; });
  ignoreNetErrors = true;
  try {
    await server.stop();
    await page.waitForSelector('.status:not([data-mode="live"])', { timeout: 15000 });
    const mode = await page.getAttribute('.status', 'data-mode');
    await shot(page, 'overview-server-down');
    await sleep(1500);
    await server.start();
    await page.waitForSelector('.status[data-mode="live"]', { timeout: 30000 });
    figures.reconnect_mode_while_down = mode;
  } finally {
    await sleep(500);
    ignoreNetErrors = false;
  }
  assert(await page.evaluate(() => window.__marker) === 'same-page', 'the page was reloaded');
  const marker = `e2e-after-restart-${uniq()}`;
  await server.ingest([{ post_id: marker, source: 'e2e', content: `Back online and great ${marker}`, created_at: new Date().toISOString() }]);
  await page.waitForSelector(`.feed-row[data-post-id="${marker}"]`, { timeout: 3000 });
  await page.close();
});

test('with auth on, the API key from Settings is stored and sent as Bearer', async () => {
  const port = await freePort();
  const key = `k-${uniq()}`;
  let proc;
  let authDir;
  if (TARGET === 'real') {
    // A second real server with a keys file (only the key's SHA-256 is stored).
    authDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentio-e2e-auth-'));
    const keysFile = path.join(authDir, 'keys.jsonl');
    const hash = crypto.createHash('sha256').update(key).digest('hex');
    fs.writeFileSync(keysFile, JSON.stringify({ name: 'e2e', key_sha256: hash, scopes: ['read', 'ingest'], rate_per_s: 200, burst: 400 }) + '\n');
    const log = fs.openSync(path.join(LOGS, 'server-real-auth.log'), 'w');
    proc = spawn(SENTIO_BIN, ['serve', '--demo', '--port', String(port), '--data-dir', path.join(authDir, 'data'), '--web-dir', WEB_DIR, '--api-keys-file', keysFile], { stdio: ['ignore', log, log] });
  } else {
    proc = spawn(process.execPath, [path.join(HERE, 'mock-server.mjs'), '--port', String(port), '--web-dir', WEB_DIR, '--api-key', key], { stdio: 'ignore' });
  }
  try {
    if (TARGET === 'real') {
      // The real server enforces it: no key -> 401 with a JSON error, the right key -> 200.
      let health = 0;
      for (let i = 0; i < 100 && health !== 200; i++) { try { health = (await fetch(`http://127.0.0.1:${port}/api/health`)).status; } catch { /* starting */ } if (health !== 200) await sleep(100); }
      const anon = await fetch(`http://127.0.0.1:${port}/api/stats`);
      assert(anon.status === 401, `no key: expected 401, got ${anon.status}`);
      assert((await anon.json()).error, '401 without a JSON error body');
      const ok = await fetch(`http://127.0.0.1:${port}/api/stats`, { headers: { Authorization: `Bearer ${key}` } });
      assert(ok.status === 200, `with the key: expected 200, got ${ok.status}`);
    }
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 50; i++) { try { if ((await fetch(`${base}/api/health`)).ok) break; } catch { /* starting */ } await sleep(100); }
    const page = await newPage();
    ignoreNetErrors = true; // 401s before the key is entered are expected
    await page.goto(`${base}/`);
    await page.waitForSelector('.banner[role=alert]:not([hidden])', { timeout: 10000 });
    await page.click('button[aria-label=Settings]');
    await page.fill('input[aria-label="API key"]', key);
    await Promise.all([page.waitForNavigation(), page.click('.settings-panel button.primary')]);
    ignoreNetErrors = false;
    consoleErrors = [];
    await page.waitForSelector('.status[data-mode="live"]', { timeout: 15000 });
    await page.waitForFunction(() => Number((document.querySelector('[data-testid=m-total]')?.textContent ?? '0').replace(/\D/g, '')) > 0, null, { timeout: 10000 });
    assert(await page.evaluate(() => localStorage.getItem('sentio.apiKey')) !== null, 'key not stored');
    await page.evaluate(() => localStorage.removeItem('sentio.apiKey'));
    await page.close();
  } finally {
    ignoreNetErrors = false;
    proc.kill('SIGTERM');
    if (authDir) {
      await new Promise((r) => { if (proc.exitCode !== null) r(); else proc.once('exit', r); });
      fs.rmSync(authDir, { recursive: true, force: true });
    }
  }
});

// ------------------------------------------------------------------ main
let passed = 0; let failed = 0; let skipped = 0;
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentio-e2e-chrome-'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentio-e2e-data-'));
try {
  server = new Server(await freePort(), dataDir);
  console.log(`e2e target: ${TARGET} (${TARGET === 'real' ? SENTIO_BIN : 'tests/e2e/mock-server.mjs'}) on ${server.base}`);
  await server.start();
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 900 },
  });
  browser = ctx;
  for (const p of ctx.pages()) await p.close();
  for (const t of tests) {
    if (ONLY && !ONLY.test(t.name)) continue;
    consoleErrors = [];
    const start = Date.now();
    try {
      await t.fn();
      if (consoleErrors.length) throw new Error(`console errors:\n    ${consoleErrors.join('\n    ')}`);
      passed++;
      console.log(`  ✓ ${t.name} (${Date.now() - start} ms)`);
    } catch (e) {
      if (e instanceof Skip) { skipped++; console.log(`  - ${t.name} (skipped: ${e.message})`); continue; }
      failed++;
      console.log(`  ✗ ${t.name} (${Date.now() - start} ms)\n    ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n    ')}`);
      for (const p of ctx.pages()) { await p.screenshot({ path: path.join(SHOTS, `FAILED-${t.name.slice(0, 40).replace(/\W+/g, '_')}.png`) }).catch(() => {}); await p.close().catch(() => {}); }
    }
  }
  await ctx.close();
} catch (e) {
  failed++;
  console.log(`  ✗ setup: ${e?.stack ?? e}`);
} finally {
  await server?.stop().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const js = fs.readdirSync(path.join(WEB_DIR, 'assets')).filter((f) => f.endsWith('.js'));
const zlib = await import('node:zlib');
figures.js_gzip_bytes = js.reduce((a, f) => a + zlib.gzipSync(fs.readFileSync(path.join(WEB_DIR, 'assets', f)), { level: 9 }).length, 0);
fs.writeFileSync(path.join(SHOTS, 'metrics.json'), JSON.stringify(figures, null, 2));
console.log(`figures: ${JSON.stringify(figures)}`);
console.log(`screenshots: ${path.relative(ROOT, SHOTS)}/`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
