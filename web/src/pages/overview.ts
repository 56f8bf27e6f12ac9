// Overview: live status, metric cards, distribution donut, trend, emotions, live feed and
// alerts. Live posts are queued and applied once per animation frame.
import type { Ctx, Page } from '../app';
import type { Alert, Post, WindowCounts } from '../api/types';
import { ApiError } from '../api/client';
import { FeedBuffer } from '../state/feed';
import { addPost, emptySeries, RateMeter, seriesFromBuckets, trimBefore, type TrendSeries } from '../state/aggregate';
import { type Filters, filtersFromQuery, filtersToQuery, postMatches, rangeSeconds } from '../state/filters';
import { Bars, Donut, TrendChart } from '../ui/charts';
import { fmtNum, fmtTime, h, relTime } from '../ui/dom';
import { VirtualFeed } from '../ui/feed';
import { filterBar } from './filterbar';

const FEED_CAPACITY = 500;
const CHART_MS = 250;

export function alertTitle(a: Alert): string {
  const names: Record<string, string> = {
    negative_share: 'Negative share', negative_ratio: 'Negative/positive ratio', sentiment_shift: 'Sentiment shift', volume_spike: 'Volume spike',
  };
  return names[a.alert_type] ?? a.alert_type;
}

export function alertItem(a: Alert, fresh = false): HTMLElement {
  const v = (x: number) => (Math.abs(x) <= 1 && a.alert_type !== 'volume_spike' ? `${Math.round(x * 100)}%` : fmtNum(x, 2));
  return h('li', { class: `alert-item${fresh ? ' fresh' : ''}`, 'data-alert-type': a.alert_type },
    h('div', { class: 'alert-title' }, `${alertTitle(a)}: ${v(a.actual_value)} (threshold ${v(a.threshold_value)})`),
    h('div', { class: 'alert-meta' }, `${a.post_count != null ? `${a.post_count} posts · ` : ''}${relTime(a.triggered_at)} · ${fmtTime(a.triggered_at)}`));
}

export function overviewPage(ctx: Ctx, root: HTMLElement): Page {
  let filters: Filters = filtersFromQuery(location.search);
  const feedBuf = new FeedBuffer(FEED_CAPACITY);
  let series: TrendSeries = emptySeries(filters.period);
  let summary = { positive: 0, neutral: 0, negative: 0 };
  const emotions = new Map<string, number>();
  const rate = new RateMeter(60_000);
  let lastMinute: WindowCounts | null = null;
  let paused = false;
  let unseen = 0;
  let pending: Post[] = [];
  let raf = 0;
  let dirty = true;
  let lastCharts = 0;
  let chartTimer: ReturnType<typeof setTimeout> | 0 = 0;
  let loadSeq = 0;
  let destroyed = false;
  let wasDown = false;

  // ---- widgets
  const bar = filterBar(filters, (f) => ctx.navigate(`/${filtersToQuery(f)}`));
  const metric = (cls: string, label: string, test: string) => {
    const v = h('div', { class: 'metric-value', 'data-testid': test }, '–');
    const sub = h('div', { class: 'metric-sub' }, '\u00a0');
    return { el: h('div', { class: `card metric ${cls}` }, h('div', { class: 'metric-label' }, label), v, sub), v, sub };
  };
  const mTotal = metric('', 'Total posts', 'm-total');
  const mPos = metric('pos', 'Positive', 'm-positive');
  const mNeg = metric('neg', 'Negative', 'm-negative');
  const mNeu = metric('neu', 'Neutral', 'm-neutral');
  const mRate = metric('', 'Posts / min', 'm-rate');
  const donut = new Donut();
  const emoBars = new Bars('Emotion breakdown', 'No emotions yet');
  const trend = new TrendChart();
  const feed = new VirtualFeed((p) => ctx.openPost(p));
  const pauseBtn = h('button', { type: 'button', 'aria-pressed': 'false', 'data-testid': 'pause' }, 'Pause');
  const newBadge = h('span', { class: 'muted new-badge', 'aria-live': 'polite' }, '');
  const alertsList = h('ul', { class: 'alerts-list', 'data-testid': 'alerts-panel', 'aria-label': 'Recent alerts' });
  const alertsEmpty = h('p', { class: 'muted' }, 'No alerts yet.');
  const errBanner = h('div', { class: 'banner error', hidden: true, role: 'alert' });
  const rangeNote = h('span', { class: 'muted plain' }, '');

  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    pauseBtn.setAttribute('aria-pressed', String(paused));
    if (!paused) { unseen = 0; newBadge.textContent = ''; dirty = true; schedule(); }
  });

  root.append(
    h('h1', { class: 'sr-only' }, 'Overview'),
    errBanner,
    bar.el,
    h('section', { class: 'metrics', 'aria-label': 'Key metrics' }, mTotal.el, mPos.el, mNeg.el, mNeu.el, mRate.el),
    h('div', { class: 'grid' },
      h('div', { class: 'stack' },
        h('section', { class: 'card', 'aria-labelledby': 'trend-h', 'data-testid': 'trend-card' },
          h('div', { class: 'card-head' }, h('h2', { id: 'trend-h' }, 'Sentiment trend'),
            h('div', { class: 'legend' }, h('span', { class: 'lg-pos' }, 'positive'), h('span', { class: 'lg-neu' }, 'neutral'), h('span', { class: 'lg-neg' }, 'negative'), rangeNote)),
          trend.el),
        h('section', { class: 'card', 'aria-labelledby': 'feed-h' },
          h('div', { class: 'card-head' }, h('h2', { id: 'feed-h' }, 'Live feed'), h('div', { class: 'toolbar' }, newBadge, pauseBtn)),
          feed.el)),
      h('div', { class: 'stack' },
        h('section', { class: 'card', 'aria-labelledby': 'dist-h', 'data-testid': 'donut-card' }, h('h2', { id: 'dist-h' }, 'Distribution'), donut.el),
        h('section', { class: 'card', 'aria-labelledby': 'emo-h', 'data-testid': 'emotion-card' }, h('h2', { id: 'emo-h' }, 'Emotions'), emoBars.el),
        h('section', { class: 'card', 'aria-labelledby': 'al-h' }, h('h2', { id: 'al-h' }, 'Live alerts'), alertsEmpty, alertsList))));

  // ---- rendering (once per frame at most)
  function schedule(): void {
    if (raf || destroyed) return;
    raf = requestAnimationFrame(flush);
  }
  function flush(): void {
    raf = 0;
    const now = Date.now();
    if (pending.length) {
      const batch = pending;
      pending = [];
      for (const p of batch) {
        if (!postMatches(filters, p)) continue;
        if (!feedBuf.push(p)) continue;
        rate.add(now);
        const label = p.sentiment?.label;
        if (label === 'positive' || label === 'neutral' || label === 'negative') {
          const t = Date.parse(p.created_at);
          addPost(series, Number.isFinite(t) ? t : now, label);
          summary[label] += 1;
        }
        const e = p.sentiment?.emotion;
        if (e) emotions.set(e, (emotions.get(e) ?? 0) + 1);
        if (paused) unseen += 1;
      }
      dirty = true;
    }
    if (!dirty) return;
    // The feed follows every frame; cards and charts at most every CHART_MS (a stream of
    // 50 posts/s then costs a few chart redraws per second, not sixty).
    if (!paused) feed.setItems(feedBuf.toArray());
    else newBadge.textContent = unseen ? `${unseen} new` : 'Paused';
    const wait = lastCharts + CHART_MS - now;
    if (wait > 0) {
      if (!chartTimer) chartTimer = setTimeout(() => { chartTimer = 0; schedule(); }, wait);
      return;
    }
    dirty = false;
    lastCharts = now;
    trimBefore(series, now - rangeSeconds(filters.range) * 1000);
    renderAll(now);
  }
  function renderAll(now: number): void {
    const total = summary.positive + summary.neutral + summary.negative;
    mTotal.v.textContent = fmtNum(total);
    mTotal.sub.textContent = `last ${filters.range}`;
    const share = (n: number) => (total ? `${Math.round((n / total) * 100)}% of posts` : '\u00a0');
    mPos.v.textContent = fmtNum(summary.positive); mPos.sub.textContent = share(summary.positive);
    mNeg.v.textContent = fmtNum(summary.negative); mNeg.sub.textContent = share(summary.negative);
    mNeu.v.textContent = fmtNum(summary.neutral); mNeu.sub.textContent = share(summary.neutral);
    const unfiltered = !filters.source && !filters.video_id && !filters.sentiment && !filters.emotion && !filters.q;
    const ppm = unfiltered && lastMinute ? lastMinute.total : rate.perMinute(now);
    mRate.v.textContent = fmtNum(ppm, ppm < 10 ? 1 : 0);
    mRate.sub.textContent = unfiltered && lastMinute ? 'server, last minute' : 'received, last minute';
    donut.update(summary);
    emoBars.update([...emotions.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10), (k) => `e-${k}`);
    trend.update(series, filters.sentiment || 'stacked');
  }

  // ---- data loading
  async function load(): Promise<void> {
    const seq = ++loadSeq;
    const f = filters;
    errBanner.hidden = true;
    ctx.live.subscribe({ source: f.source || undefined, video_id: f.video_id || undefined });
    rangeNote.textContent = `· per ${f.period}${f.q || f.emotion ? ' · charts ignore text/emotion filters' : ''}`;
    const now = Date.now();
    const [agg, dist, posts] = await Promise.allSettled([
      ctx.api.aggregate(f, now), ctx.api.distribution(f), ctx.api.posts(f, { limit: 100 }, now),
    ]);
    if (seq !== loadSeq || destroyed) return;
    const failed = [agg, dist, posts].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) {
      const e = failed.reason as ApiError;
      if (e instanceof ApiError && e.isAuth) ctx.bus.emit('auth', e.message);
      errBanner.textContent = `Some data could not be loaded: ${e?.message ?? e}`;
      errBanner.hidden = false;
    }
    if (agg.status === 'fulfilled') {
      series = seriesFromBuckets(f.period, agg.value.data ?? []);
      const sm = agg.value.summary;
      summary = sm ? { positive: sm.positive_total ?? 0, neutral: sm.neutral_total ?? 0, negative: sm.negative_total ?? 0 }
        : { positive: 0, neutral: 0, negative: 0 };
      if (f.sentiment) {
        // the aggregate endpoint does not filter by sentiment: show only the chosen one
        summary = { positive: 0, neutral: 0, negative: 0, [f.sentiment]: summary[f.sentiment as 'positive'] };
      }
    } else {
      series = emptySeries(f.period);
    }
    emotions.clear();
    if (dist.status === 'fulfilled' && dist.value.top_emotions && !f.emotion && !f.sentiment) {
      for (const [k, v] of Object.entries(dist.value.top_emotions)) emotions.set(k, Number(v) || 0);
    }
    feedBuf.clear();
    if (posts.status === 'fulfilled') {
      const list = [...(posts.value.posts ?? [])].reverse();
      feedBuf.pushAll(list.filter((p) => postMatches(f, p)));
      ctx.live.markSeen(list);
      bar.setSources(list.map((p) => p.source));
      if (emotions.size === 0) for (const p of list) { const e = p.sentiment?.emotion; if (e) emotions.set(e, (emotions.get(e) ?? 0) + 1); }
    }
    dirty = true;
    schedule();
    root.dataset.loaded = String(seq);
  }

  let lastSide = 0;
  async function loadSide(): Promise<void> {
    lastSide = Date.now();
    const [alerts, stats, info] = await Promise.allSettled([ctx.api.alerts({ limit: 20 }), ctx.api.stats(), ctx.info()]);
    if (destroyed) return;
    if (alerts.status === 'fulfilled') {
      alertsList.replaceChildren(...(alerts.value.alerts ?? []).slice(0, 20).map((a) => alertItem(a)));
      alertsEmpty.hidden = alertsList.childElementCount > 0;
    }
    if (stats.status === 'fulfilled') {
      const s = stats.value;
      const bySource = (s.per_source ?? s.by_source) as Record<string, number> | undefined;
      if (bySource && typeof bySource === 'object') bar.setSources(Object.keys(bySource));
      if (!lastMinute && typeof s.posts_per_minute === 'number') {
        lastMinute = { positive: 0, neutral: 0, negative: 0, total: Math.round(s.posts_per_minute * 10) / 10 };
        dirty = true;
        schedule();
      }
    }
    if (info.status === 'fulfilled' && info.value?.models) {
      const emo = info.value.models.find((m) => (m.task ?? m.kind ?? '').toString().includes('emotion') || m.name.includes('emotion'));
      if (emo?.labels?.length) bar.setEmotions(emo.labels);
    }
  }

  // ---- live wiring
  const offs = [
    ctx.bus.on('posts', (ps) => { pending.push(...ps); if (pending.length > 5000) pending.splice(0, pending.length - 5000); bar.setSources(ps.map((p) => p.source)); schedule(); }),
    ctx.bus.on('metrics', (m) => { if (m.last_minute) { lastMinute = m.last_minute; dirty = true; schedule(); } }),
    ctx.bus.on('alert', (a) => {
      alertsList.prepend(alertItem(a, true));
      while (alertsList.childElementCount > 50) alertsList.lastElementChild?.remove();
      alertsEmpty.hidden = true;
      ctx.announce(`Alert: ${alertTitle(a)}`);
    }),
    ctx.bus.on('theme', () => trend.restyle()),
    ctx.bus.on('poll', () => { if (Date.now() - lastSide > 10_000) void loadSide(); }),
    ctx.bus.on('mode', ({ mode }) => {
      // after an outage, reload so the charts cover the gap
      if (mode === 'polling' || mode === 'offline') wasDown = true;
      else if (mode === 'live' && wasDown) { wasDown = false; void load(); }
    }),
  ];
  const tick = setInterval(() => { dirty = true; schedule(); }, 5000);
  const refresh = setInterval(() => { if (!paused) void load(); }, 120_000);

  void load();
  void loadSide();

  return {
    onQuery() {
      const nf = filtersFromQuery(location.search);
      filters = nf;
      bar.sync(nf);
      void load();
    },
    destroy() {
      destroyed = true;
      if (raf) cancelAnimationFrame(raf);
      if (chartTimer) clearTimeout(chartTimer);
      clearInterval(tick);
      clearInterval(refresh);
      offs.forEach((o) => o());
      trend.destroy();
    },
  };
}
