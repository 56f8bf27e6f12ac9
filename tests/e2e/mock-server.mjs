#!/usr/bin/env node
// Mock Sentio server: implements the REST + WebSocket surface of shared/design/API.md with
// synthetic data, so the dashboard can be developed and e2e-tested without the C++ server.
//   node mock-server.mjs --port 8099 --web-dir ../../web/dist [--rate 2] [--seed-minutes 120] [--api-key KEY]
// Prints "mock-server listening on http://127.0.0.1:PORT" when ready.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';

// ---------------------------------------------------------------- options
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : process.env[`MOCK_${name.toUpperCase().replace(/-/g, '_')}`] ?? def;
};
const PORT = Number(opt('port', 8099));
const WEB_DIR = path.resolve(opt('web-dir', path.join(path.dirname(new URL(import.meta.url).pathname), '../../web/dist')));
let RATE = Number(opt('rate', 2)); // synthetic posts per second
const SEED_MIN = Number(opt('seed-minutes', 120));
const API_KEY = opt('api-key', '');
const MAX_POSTS = 50000;

// ---------------------------------------------------------------- tiny classifier
const LEX = {
  love: 2.2, great: 1.8, amazing: 2.1, awesome: 2, good: 1.2, nice: 1.1, best: 1.6, thanks: 1.2, thank: 1.2, happy: 1.7, fun: 1.3,
  beautiful: 1.8, excellent: 2, wow: 1.2, like: 0.6, helpful: 1.4, cool: 1.1, perfect: 2, enjoyed: 1.5, brilliant: 1.9,
  hate: -2.3, terrible: -2.2, awful: -2.1, bad: -1.4, worst: -2.4, boring: -1.5, broken: -1.7, useless: -1.9, slow: -1.0,
  angry: -1.8, sad: -1.5, disappointed: -1.8, scam: -2.2, annoying: -1.6, ugly: -1.6, refund: -1.3, bug: -1.1, crash: -1.6,
  scary: -1.3, disgusting: -2.2, gross: -1.8, afraid: -1.4, fake: -1.5, not: -0.4,
};
const EMO = {
  joy: ['love', 'great', 'amazing', 'awesome', 'happy', 'fun', 'best', 'perfect', 'enjoyed', 'brilliant', 'thanks'],
  anger: ['hate', 'angry', 'worst', 'scam', 'annoying', 'terrible'],
  sadness: ['sad', 'disappointed', 'miss', 'cry'],
  disgust: ['disgusting', 'gross', 'ugly', 'awful'],
  fear: ['scary', 'afraid', 'worried'],
  surprise: ['wow', 'unexpected', 'suddenly'],
};
const EMOTIONS = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'];

function softmax(xs) {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export function classify(text) {
  const toks = (text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []);
  let score = 0;
  const explanation = [];
  for (let i = 0; i < toks.length; i++) {
    const w = LEX[toks[i]];
    if (w === undefined || toks[i] === 'not') continue;
    const neg = i > 0 && (toks[i - 1] === 'not' || toks[i - 1] === "don't" || toks[i - 1] === 'never');
    const v = neg ? -0.7 * w : w;
    score += v;
    explanation.push({ token: toks[i], weight: +v.toFixed(3) });
  }
  if (/!/.test(text)) score *= 1.15;
  const [pn, pu, pp] = softmax([-score * 1.3, 0.9 - Math.abs(score) * 0.8, score * 1.3]);
  const scores = { negative: +pn.toFixed(4), neutral: +pu.toFixed(4), positive: +pp.toFixed(4) };
  const label = Object.entries(scores).sort((a, b) => b[1] - a[1])[0][0];
  // explanation weights are relative to the predicted label
  const sign = label === 'negative' ? -1 : 1;
  const expl = explanation.map((e) => ({ token: e.token, weight: label === 'neutral' ? -Math.abs(e.weight) : +(e.weight * sign).toFixed(3) }));
  const raw = Object.fromEntries(EMOTIONS.map((e) => [e, e === 'neutral' ? 1 : 0.05]));
  for (const [emo, words] of Object.entries(EMO)) for (const t of toks) if (words.includes(t)) raw[emo] += 2;
  const emoP = softmax(EMOTIONS.map((e) => raw[e]));
  const emoScores = Object.fromEntries(EMOTIONS.map((e, i) => [e, +emoP[i].toFixed(4)]));
  const emoLabel = EMOTIONS[emoP.indexOf(Math.max(...emoP))];
  return {
    label, score: scores[label], scores,
    emotion: { label: emoLabel, score: emoScores[emoLabel], scores: emoScores },
    model_version: 'mock-lexicon@1',
    explanation: expl,
  };
}

// ---------------------------------------------------------------- synthetic data
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const SOURCES = ['youtube', 'youtube', 'youtube', 'reddit', 'reddit', 'extension'];
const VIDEOS = ['dQw4w9WgXcQ', 'M7lc1UVf-VE', 'aqz-KE-bpKQ'];
const AUTHORS = ['mira', 'jonas_k', 'techfan42', 'lea.m', 'quietviewer', 'R0b', 'sam_the_editor', 'ana', 'kofi', 'yuki'];
const TEMPLATES = [
  'I love this video, the editing is amazing!', 'Great explanation, thanks a lot', 'This is the best channel on the topic',
  'Wow, did not expect that ending', 'Nice work, very helpful', 'Beautiful shots, enjoyed every minute', 'Awesome as always!',
  'Audio is terrible in the second half', 'The app is broken again after the update', 'Worst sponsor segment ever',
  'Honestly this was boring', 'I hate how long the intro is', 'So disappointed with the new format', 'This looks like a scam',
  'First!', 'What camera do you use?', 'Part 2 when?', 'Watching from Berlin', 'The stream starts at 8pm', 'Timestamp 3:14 for the demo',
  'Not bad, but the pacing is slow', 'That jump scare was scary', 'Subtitles please', 'Could you review the new model next?',
];

const posts = []; // oldest first
const byKey = new Map();
const alerts = [];
let rules = [
  { id: 'neg-share-default', type: 'negative_share', threshold: 0.6, window_s: 300, min_posts: 50, cooldown_s: 900, scope: 'all', scope_value: null, enabled: true, webhook_url: null },
];
const deadLetters = [
  { id: 'dl-1', source: 'youtube', post_id: 'yt_broken', attempts: 5, error: 'INVALID_UTF8: content is not valid UTF-8', failed_at: new Date(Date.now() - 3600e3).toISOString() },
];
let idSeq = 0;

function makePost(createdAt, extra = {}) {
  const source = extra.source ?? pick(SOURCES);
  const content = extra.content ?? pick(TEMPLATES);
  const p = {
    post_id: extra.post_id ?? `${source.slice(0, 2)}_${(++idSeq).toString(36)}${crypto.randomBytes(3).toString('hex')}`,
    source, content,
    author: extra.author ?? pick(AUTHORS),
    created_at: new Date(createdAt).toISOString(),
    video_id: extra.video_id !== undefined ? extra.video_id : source === 'youtube' ? pick(VIDEOS) : null,
    url: extra.url ?? null,
    meta: extra.meta ?? {},
    sentiment: null,
  };
  return p;
}

function analyse(p, at = Date.now()) {
  const c = classify(p.content);
  p.sentiment = {
    label: c.label, confidence: c.score, scores: c.scores, emotion: c.emotion.label, emotion_confidence: c.emotion.score,
    model_name: 'mock-lexicon', model_version: '1', analyzed_at: new Date(at).toISOString(),
  };
  p._analysed_ms = at;
}

function store(p) {
  const k = `${p.source}\u0000${p.post_id}`;
  if (byKey.has(k)) return false;
  byKey.set(k, p);
  posts.push(p);
  if (posts.length > MAX_POSTS) {
    const old = posts.splice(0, posts.length - MAX_POSTS);
    for (const o of old) byKey.delete(`${o.source}\u0000${o.post_id}`);
  }
  return true;
}

{
  const now = Date.now();
  const n = Math.round(SEED_MIN * 12);
  for (let i = 0; i < n; i++) {
    const t = now - SEED_MIN * 60e3 + (i / n) * SEED_MIN * 60e3;
    const p = makePost(t);
    analyse(p, t + 500);
    store(p);
  }
}

// ---------------------------------------------------------------- helpers
const pub = ({ _analysed_ms, meta, ...p }) => p; // eslint-disable-line no-unused-vars

function sendJson(res, status, body, headers = {}) {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(s);
}
function apiError(res, status, code, message, details) {
  sendJson(res, status, { error: { code, message, ...(details ? { details } : {}) } });
}
function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > limit) { reject(Object.assign(new Error('too large'), { status: 413 })); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function filterPosts(q) {
  const src = q.get('source'), sent = q.get('sentiment'), emo = q.get('emotion'), vid = q.get('video_id'), text = (q.get('q') ?? '').toLowerCase();
  const start = q.get('start_date') ? Date.parse(q.get('start_date')) : -Infinity;
  const end = q.get('end_date') ? Date.parse(q.get('end_date')) : Infinity;
  const out = [];
  for (let i = posts.length - 1; i >= 0; i--) {
    const p = posts[i];
    const t = Date.parse(p.created_at);
    if (t < start || t > end) continue;
    if (src && p.source !== src) continue;
    if (vid && p.video_id !== vid) continue;
    if (sent && p.sentiment?.label !== sent) continue;
    if (emo && p.sentiment?.emotion !== emo) continue;
    if (text && !p.content.toLowerCase().includes(text) && !(p.author ?? '').toLowerCase().includes(text)) continue;
    out.push(p);
  }
  return out; // newest first
}

const PERIOD_MS = { minute: 60e3, hour: 3600e3, day: 86400e3 };
function aggregate(q) {
  const period = q.get('period') ?? 'hour';
  if (!PERIOD_MS[period]) return { error: ['INVALID_PARAMETER', 'period must be minute, hour or day'] };
  const w = PERIOD_MS[period];
  const end = q.get('end_date') ? Date.parse(q.get('end_date')) : Date.now();
  const start = q.get('start_date') ? Date.parse(q.get('start_date')) : end - 24 * 3600e3;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) return { error: ['INVALID_PARAMETER', 'bad date range'] };
  const qq = new URLSearchParams(q);
  qq.delete('sentiment'); qq.delete('emotion'); qq.delete('q');
  const list = filterPosts(qq).filter((p) => p.sentiment);
  const b0 = Math.floor(start / w) * w;
  const nb = Math.min(5000, Math.floor((end - b0) / w) + 1);
  const buckets = Array.from({ length: nb }, (_, i) => ({ t: b0 + i * w, positive: 0, negative: 0, neutral: 0, conf: 0 }));
  for (const p of list) {
    const i = Math.floor((Date.parse(p.created_at) - b0) / w);
    if (i < 0 || i >= nb) continue;
    buckets[i][p.sentiment.label] += 1;
    buckets[i].conf += p.sentiment.confidence;
  }
  const data = buckets.map((b) => {
    const total = b.positive + b.negative + b.neutral;
    const pctf = (x) => (total ? +((x / total) * 100).toFixed(2) : 0);
    return {
      timestamp: new Date(b.t).toISOString(), positive_count: b.positive, negative_count: b.negative, neutral_count: b.neutral, total_count: total,
      positive_percentage: pctf(b.positive), negative_percentage: pctf(b.negative), neutral_percentage: pctf(b.neutral),
      average_confidence: total ? +(b.conf / total).toFixed(4) : 0,
    };
  });
  const sum = (k) => data.reduce((a, d) => a + d[k], 0);
  return {
    period, start_date: new Date(start).toISOString(), end_date: new Date(end).toISOString(), data,
    summary: { total_posts: sum('total_count'), positive_total: sum('positive_count'), negative_total: sum('negative_count'), neutral_total: sum('neutral_count') },
  };
}

function windowCounts(ms) {
  const cut = Date.now() - ms;
  const c = { positive: 0, negative: 0, neutral: 0, total: 0 };
  for (let i = posts.length - 1; i >= 0; i--) {
    const p = posts[i];
    if ((p._analysed_ms ?? 0) < cut) break;
    if (!p.sentiment) continue;
    c[p.sentiment.label] += 1;
    c.total += 1;
  }
  return c;
}

// ---------------------------------------------------------------- live: WS + alerts
const clients = new Set();
function broadcast(msg, filterPost) {
  const s = JSON.stringify(msg);
  for (const c of clients) {
    if (c.readyState !== 1) continue;
    if (filterPost && ((c.sub.source && filterPost.source !== c.sub.source) || (c.sub.video_id && filterPost.video_id !== c.sub.video_id))) continue;
    if (c.bufferedAmount > 4 << 20) { c.terminate(); continue; } // slow client: drop
    c.send(s);
  }
}

const lastFired = new Map();
function evaluateRules() {
  const now = Date.now();
  for (const r of rules) {
    if (!r.enabled) continue;
    const last = lastFired.get(r.id) ?? 0;
    if (now - last < r.cooldown_s * 1000) continue;
    const cut = now - r.window_s * 1000;
    const prevCut = cut - r.window_s * 1000;
    const c = { positive: 0, negative: 0, neutral: 0, total: 0 };
    const prev = { positive: 0, negative: 0, neutral: 0, total: 0 };
    let newest = 0;
    for (let i = posts.length - 1; i >= 0; i--) {
      const p = posts[i];
      const t = p._analysed_ms ?? 0;
      if (t < prevCut) break;
      if (!p.sentiment) continue;
      if (r.scope === 'source' && p.source !== r.scope_value) continue;
      if (r.scope === 'video_id' && p.video_id !== r.scope_value) continue;
      newest = Math.max(newest, t);
      const bucket = t >= cut ? c : prev;
      bucket[p.sentiment.label] += 1;
      bucket.total += 1;
    }
    if (c.total < r.min_posts || newest <= last) continue; // fire only on new evidence
    let actual = 0;
    if (r.type === 'negative_share') actual = c.negative / c.total;
    else if (r.type === 'negative_ratio') actual = c.negative / Math.max(1, c.positive);
    else if (r.type === 'sentiment_shift') actual = prev.total ? Math.abs(c.negative / c.total - prev.negative / prev.total) : 0;
    else if (r.type === 'volume_spike') actual = c.total / Math.max(1, prev.total);
    if (actual <= r.threshold) continue;
    lastFired.set(r.id, now);
    const a = {
      id: alerts.length + 1, alert_type: r.type, threshold_value: r.threshold, actual_value: +actual.toFixed(4),
      window_start: new Date(cut).toISOString(), window_end: new Date(now).toISOString(), post_count: c.total,
      triggered_at: new Date(now).toISOString(), details: { rule_id: r.id, scope: r.scope, scope_value: r.scope_value, counts: c },
    };
    alerts.push(a);
    broadcast({ type: 'alert', data: a });
  }
}

let evalPending = false;
function onAnalysed(p) {
  broadcast({ type: 'new_post', data: pub(p) }, p);
  if (!evalPending) {
    evalPending = true;
    setImmediate(() => { evalPending = false; evaluateRules(); });
  }
}

// ---------------------------------------------------------------- HTTP
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };
function serveStatic(req, res, pathname) {
  let rel = decodeURIComponent(pathname);
  if (rel.includes('\0')) return apiError(res, 400, 'BAD_REQUEST', 'bad path');
  let file = path.join(WEB_DIR, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
  if (!file.startsWith(WEB_DIR)) return apiError(res, 404, 'NOT_FOUND', 'not found');
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      if (path.extname(rel)) return apiError(res, 404, 'NOT_FOUND', `no such file: ${rel}`);
      file = path.join(WEB_DIR, 'index.html'); // client-side route
    }
    fs.readFile(file, (e2, buf) => {
      if (e2) return apiError(res, 404, 'NOT_FOUND', 'dashboard not built (run scripts/web-build.sh)');
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        // strict policy: proves the dashboard needs no inline script/style, CDN or eval
        'Content-Security-Policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(buf);
    });
  });
}

function validatePostInput(x, i) {
  if (!x || typeof x !== 'object') return { index: i, code: 'INVALID_ITEM', message: 'not an object' };
  if (typeof x.content !== 'string' || !x.content.trim()) return { index: i, code: 'MISSING_FIELD', message: 'content is required' };
  if (x.content.length > 10000) return { index: i, code: 'TOO_LONG', message: 'content longer than 10000 characters' };
  if (x.created_at !== undefined && !Number.isFinite(Date.parse(x.created_at))) return { index: i, code: 'INVALID_VALUE', message: 'created_at is not a date' };
  return null;
}

async function handleApi(req, res, url) {
  const q = url.searchParams;
  const p = url.pathname;
  const m = req.method;
  if (API_KEY && p !== '/api/health') {
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${API_KEY}`) return apiError(res, 401, 'UNAUTHENTICATED', 'missing or wrong API key');
  }
  if (m === 'GET' && p === '/api/health') {
    return sendJson(res, 200, { status: 'healthy', timestamp: new Date().toISOString(), services: { database: 'connected', queue: 'connected', models: 'loaded' },
      stats: { total_posts: posts.length, total_analyses: posts.filter((x) => x.sentiment).length, recent_posts_1h: windowCounts(3600e3).total, queue_depth: 0 } });
  }
  if (m === 'GET' && p === '/api/info') {
    return sendJson(res, 200, {
      version: '0.1.0-mock', build: 'mock', auth: { enabled: Boolean(API_KEY) },
      models: [
        { name: 'mock-lexicon', version: '1', kind: 'lexicon', task: 'sentiment', labels: ['negative', 'neutral', 'positive'], metrics: { macro_f1: 0.712, accuracy: 0.741, eval_examples: 2000 } },
        { name: 'mock-emotion', version: '3', kind: 'linear', task: 'emotion', labels: EMOTIONS, metrics: { macro_f1: 0.583, accuracy: 0.655 } },
      ],
      limits: { max_body_bytes: 1048576, max_texts: 64, max_chars: 5000 },
    });
  }
  if (m === 'GET' && p === '/api/stats') {
    const per_label = { positive: 0, negative: 0, neutral: 0 };
    const per_source = {};
    for (const x of posts) {
      if (x.sentiment) per_label[x.sentiment.label] += 1;
      per_source[x.source] = (per_source[x.source] ?? 0) + 1;
    }
    return sendJson(res, 200, { total_posts: posts.length, per_label, per_source, posts_per_minute: windowCounts(60e3).total, queue_depth: 0, model_versions: { sentiment: 'mock-lexicon@1', emotion: 'mock-emotion@3' } });
  }
  if (m === 'GET' && p === '/api/posts') {
    const limit = Number(q.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return apiError(res, 422, 'INVALID_PARAMETER', 'limit must be 1..500', { field: 'limit' });
    let offset = Number(q.get('offset') ?? 0);
    if (q.get('cursor')) offset = Number(Buffer.from(q.get('cursor'), 'base64url').toString()) || 0;
    const list = filterPosts(q);
    const page = list.slice(offset, offset + limit).map(pub);
    const nextOff = offset + page.length;
    return sendJson(res, 200, { posts: page, total: list.length, limit, offset, next_cursor: nextOff < list.length ? Buffer.from(String(nextOff)).toString('base64url') : null,
      filters: Object.fromEntries(['source', 'sentiment', 'emotion', 'video_id', 'start_date', 'end_date', 'q'].filter((k) => q.get(k)).map((k) => [k, q.get(k)])) });
  }
  if (m === 'GET' && p === '/api/posts/recent') {
    const limit = Math.min(200, Number(q.get('limit') ?? 10) || 10);
    const out = [];
    for (let i = posts.length - 1; i >= 0 && out.length < limit; i--) if (posts[i].sentiment) out.push(pub(posts[i]));
    return sendJson(res, 200, { posts: out });
  }
  if (m === 'GET' && p.startsWith('/api/posts/')) {
    const id = decodeURIComponent(p.slice('/api/posts/'.length));
    const src = q.get('source');
    const found = src ? byKey.get(`${src}\u0000${id}`) : posts.find((x) => x.post_id === id);
    return found ? sendJson(res, 200, pub(found)) : apiError(res, 404, 'NOT_FOUND', `no post ${id}`);
  }
  if (m === 'GET' && p === '/api/sentiment/aggregate') {
    const r = aggregate(q);
    return r.error ? apiError(res, 422, r.error[0], r.error[1]) : sendJson(res, 200, r);
  }
  if (m === 'GET' && p === '/api/sentiment/distribution') {
    const hours = Number(q.get('hours') ?? 24);
    if (!(hours > 0 && hours <= 24 * 90)) return apiError(res, 422, 'INVALID_PARAMETER', 'hours must be in (0, 2160]');
    const qq = new URLSearchParams({ start_date: new Date(Date.now() - hours * 3600e3).toISOString() });
    if (q.get('source')) qq.set('source', q.get('source'));
    if (q.get('video_id')) qq.set('video_id', q.get('video_id'));
    const list = filterPosts(qq).filter((x) => x.sentiment);
    const d = { positive: 0, negative: 0, neutral: 0 };
    const emos = {};
    for (const x of list) { d[x.sentiment.label] += 1; emos[x.sentiment.emotion] = (emos[x.sentiment.emotion] ?? 0) + 1; }
    const total = list.length;
    const pctf = (x) => (total ? +((x / total) * 100).toFixed(2) : 0);
    return sendJson(res, 200, { timeframe_hours: hours, source: q.get('source') || null, distribution: d, total,
      percentages: { positive: pctf(d.positive), negative: pctf(d.negative), neutral: pctf(d.neutral) },
      top_emotions: Object.fromEntries(Object.entries(emos).sort((a, b) => b[1] - a[1])), cached: false, cached_at: null });
  }
  if (m === 'GET' && p === '/api/export') {
    const fmt = q.get('format') ?? 'jsonl';
    if (fmt !== 'csv' && fmt !== 'jsonl') return apiError(res, 422, 'INVALID_PARAMETER', 'format must be csv or jsonl');
    const list = filterPosts(q);
    res.writeHead(200, { 'Content-Type': fmt === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson', 'Content-Disposition': `attachment; filename="posts.${fmt}"` });
    if (fmt === 'csv') {
      const esc = (v) => `"${String(v ?? '').replace(/"/g, '""')}"`;
      res.write('post_id,source,created_at,author,video_id,sentiment,confidence,emotion,content\n');
      for (const x of list) res.write([x.post_id, x.source, x.created_at, x.author, x.video_id, x.sentiment?.label, x.sentiment?.confidence, x.sentiment?.emotion, x.content].map(esc).join(',') + '\n');
    } else {
      for (const x of list) res.write(JSON.stringify(pub(x)) + '\n');
    }
    return res.end();
  }
  if (m === 'GET' && p === '/api/alerts') {
    const since = q.get('since') ? Date.parse(q.get('since')) : -Infinity;
    const type = q.get('type');
    const limit = Math.min(1000, Number(q.get('limit') ?? 100) || 100);
    const out = alerts.filter((a) => Date.parse(a.triggered_at) >= since && (!type || a.alert_type === type)).reverse().slice(0, limit);
    return sendJson(res, 200, { alerts: out });
  }
  if (p === '/api/alerts/rules') {
    if (m === 'GET') return sendJson(res, 200, { rules });
    if (m === 'PUT') {
      let body;
      try { body = JSON.parse(await readBody(req)); } catch { return apiError(res, 400, 'MALFORMED_JSON', 'body is not valid JSON'); }
      const list = Array.isArray(body) ? body : body?.rules;
      if (!Array.isArray(list)) return apiError(res, 422, 'INVALID_PARAMETER', 'expected {"rules": [...]}');
      const errors = [];
      const ids = new Set();
      list.forEach((r, i) => {
        if (!r || typeof r.id !== 'string' || !r.id) errors.push({ index: i, field: 'id', message: 'id required' });
        else if (ids.has(r.id)) errors.push({ index: i, field: 'id', message: 'duplicate id' });
        else ids.add(r.id);
        if (!['negative_share', 'negative_ratio', 'sentiment_shift', 'volume_spike'].includes(r?.type)) errors.push({ index: i, field: 'type', message: 'unknown type' });
        for (const k of ['threshold', 'window_s', 'min_posts', 'cooldown_s']) if (typeof r?.[k] !== 'number' || !(r[k] >= 0)) errors.push({ index: i, field: k, message: 'must be a non-negative number' });
        if (!['all', 'source', 'video_id'].includes(r?.scope ?? 'all')) errors.push({ index: i, field: 'scope', message: 'unknown scope' });
        if (typeof r?.window_s === 'number' && (r.window_s < 60 || r.window_s > 604800)) errors.push({ index: i, field: 'window_s', message: 'window_s must be between 60 and 604800' });
        if (r?.type === 'negative_share' && r?.threshold > 1) errors.push({ index: i, field: 'threshold', message: 'negative_share threshold is a share in [0, 1]' });
      });
      if (errors.length) return apiError(res, 422, 'INVALID_RULES', `${errors.length} invalid field(s)`, { errors });
      rules = list.map((r) => ({ scope: 'all', scope_value: null, enabled: true, webhook_url: null, ...r }));
      lastFired.clear();
      return sendJson(res, 200, { rules });
    }
    return apiError(res, 405, 'METHOD_NOT_ALLOWED', 'GET or PUT');
  }
  if (m === 'GET' && p === '/api/queue/dead-letters') return sendJson(res, 200, { dead_letters: deadLetters, total: deadLetters.length });
  if (m === 'POST' && p === '/api/predict') {
    if (!(req.headers['content-type'] ?? '').includes('application/json')) return apiError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    let body;
    try { body = JSON.parse(await readBody(req)); } catch (e) { return e.status === 413 ? apiError(res, 413, 'PAYLOAD_TOO_LARGE', 'body too large') : apiError(res, 400, 'MALFORMED_JSON', 'body is not valid JSON'); }
    const one = body?.text ?? body?.comment;
    const explain = body?.explain === true;
    const fix = (c) => (explain ? c : (({ explanation, ...r }) => r)(c)); // eslint-disable-line no-unused-vars
    if (typeof one === 'string') {
      if (!one.trim()) return apiError(res, 422, 'INVALID_PARAMETER', 'text is empty');
      if (one.length > 5000) return apiError(res, 413, 'TEXT_TOO_LONG', 'text longer than 5000 characters');
      return sendJson(res, 200, fix(classify(one)));
    }
    if (Array.isArray(body?.texts)) {
      if (body.texts.length > 64) return apiError(res, 413, 'TOO_MANY_TEXTS', 'at most 64 texts');
      return sendJson(res, 200, { predictions: body.texts.map((t) => fix(classify(String(t)))) });
    }
    return apiError(res, 422, 'INVALID_PARAMETER', 'send {"text": "..."} or {"texts": [...]}');
  }
  if (m === 'POST' && p === '/api/ingest') {
    let raw;
    try { raw = await readBody(req, 8 << 20); } catch { return apiError(res, 413, 'PAYLOAD_TOO_LARGE', 'body too large'); }
    let items;
    try {
      if ((req.headers['content-type'] ?? '').includes('ndjson')) items = raw.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      else { const b = JSON.parse(raw); items = Array.isArray(b?.posts) ? b.posts : [b]; }
    } catch { return apiError(res, 400, 'MALFORMED_JSON', 'body is not valid JSON'); }
    const ids = [];
    const errors = [];
    let accepted = 0, duplicates = 0;
    const fresh = [];
    items.forEach((x, i) => {
      const err = validatePostInput(x, i);
      if (err) { errors.push(err); return; }
      const post = makePost(x.created_at ? Date.parse(x.created_at) : Date.now(), { ...x, source: x.source ?? 'api' });
      if (store(post)) { accepted++; fresh.push(post); } else duplicates++;
      ids.push(post.post_id);
    });
    // the "pipeline": classify shortly after the durable ack
    setTimeout(() => { for (const x of fresh) { analyse(x); onAnalysed(x); } }, 30);
    return sendJson(res, 202, { accepted, duplicates, ids, ...(errors.length ? { errors } : {}) });
  }
  if (m === 'POST' && p === '/__mock/rate') {
    const b = JSON.parse((await readBody(req)) || '{}');
    RATE = Math.max(0, Math.min(500, Number(b.rate) || 0));
    return sendJson(res, 200, { rate: RATE });
  }
  return apiError(res, 404, 'NOT_FOUND', `no route ${m} ${p}`);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/__mock/')) {
    handleApi(req, res, url).catch((e) => { if (!res.headersSent) apiError(res, 500, 'INTERNAL', String(e?.message ?? e)); else res.end(); });
    return;
  }
  if (url.pathname === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE sentio_posts_total counter\nsentio_posts_total ${posts.length}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return apiError(res, 405, 'METHOD_NOT_ALLOWED', 'GET only');
  serveStatic(req, res, url.pathname === '/' ? '/index.html' : url.pathname);
});

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/ws/sentiment') { socket.destroy(); return; }
  if (API_KEY && url.searchParams.get('access_token') !== API_KEY) { socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n'); socket.destroy(); return; }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.sub = {};
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      try {
        const m = JSON.parse(String(data));
        if (m?.type === 'subscribe') ws.sub = { source: m.source || undefined, video_id: m.video_id || undefined };
      } catch { /* ignore */ }
    });
    ws.send(JSON.stringify({ type: 'connected', message: 'Connected to Sentio live feed (mock)', timestamp: new Date().toISOString() }));
  });
});

// synthetic generator + periodic messages
let carry = 0;
const gen = setInterval(() => {
  carry += RATE / 10;
  while (carry >= 1) {
    carry -= 1;
    const now = Date.now();
    const p = makePost(now, { source: pick(['youtube', 'reddit', 'extension', 'youtube']) });
    store(p);
    analyse(p, now);
    onAnalysed(p);
  }
}, 100);
const metrics = setInterval(() => {
  broadcast({ type: 'metrics_update', data: { last_minute: windowCounts(60e3), last_hour: windowCounts(3600e3), last_24_hours: windowCounts(86400e3) }, timestamp: new Date().toISOString() });
}, 2000);
const pings = setInterval(() => broadcast({ type: 'ping', timestamp: new Date().toISOString() }), 10000);

server.listen(PORT, '127.0.0.1', () => {
  console.log(`mock-server listening on http://127.0.0.1:${server.address().port} (web dir ${WEB_DIR}, ${RATE} posts/s)`);
});
const shutdown = () => {
  clearInterval(gen); clearInterval(metrics); clearInterval(pings);
  for (const c of clients) c.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
