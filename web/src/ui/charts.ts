// Charts: SVG donut, HTML bars, and a uPlot stacked-area trend that is cheap to update
// many times a second (setData on an existing plot, no re-creation).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clear, h, svg } from './dom';
import { percentages, stacked, type TrendSeries } from '../state/aggregate';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function withAlpha(color: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

export interface Counts { positive: number; neutral: number; negative: number }

export class Donut {
  readonly el: HTMLElement;
  private readonly svgEl: SVGSVGElement;
  private readonly legend: HTMLElement;
  private last = '';

  constructor() {
    this.svgEl = svg('svg', { class: 'donut', viewBox: '0 0 120 120', role: 'img', 'aria-label': 'Sentiment distribution' });
    this.legend = h('div', { class: 'legend', 'aria-hidden': 'true' });
    this.el = h('div', { class: 'donut-wrap' }, this.svgEl as unknown as Node, this.legend);
  }

  update(c: Counts): void {
    const key = `${c.positive}/${c.neutral}/${c.negative}`;
    if (key === this.last) return;
    this.last = key;
    const total = c.positive + c.neutral + c.negative;
    const p = percentages(c);
    const s = this.svgEl;
    while (s.firstChild) s.removeChild(s.firstChild);
    const r = 46, circ = 2 * Math.PI * r;
    s.append(svg('circle', { cx: 60, cy: 60, r, fill: 'none', stroke: 'var(--surface-2)', 'stroke-width': 16 }));
    let off = 0;
    const parts: [keyof Counts, string][] = [['positive', 'var(--pos)'], ['neutral', 'var(--neu)'], ['negative', 'var(--neg)']];
    if (total > 0) {
      for (const [k, col] of parts) {
        const len = (c[k] / total) * circ;
        if (len <= 0) continue;
        s.append(svg('circle', {
          cx: 60, cy: 60, r, fill: 'none', stroke: col, 'stroke-width': 16, 'data-part': k,
          'stroke-dasharray': `${len} ${circ - len}`, 'stroke-dashoffset': -off, transform: 'rotate(-90 60 60)',
        }));
        off += len;
      }
    }
    const t1 = svg('text', { x: 60, y: 58, 'text-anchor': 'middle', 'font-size': 18, 'font-weight': 700 });
    t1.textContent = total.toLocaleString();
    const t2 = svg('text', { x: 60, y: 75, 'text-anchor': 'middle', 'font-size': 10, fill: 'var(--muted)' });
    t2.textContent = 'posts';
    t2.style.fill = 'var(--muted)';
    s.append(t1, t2);
    s.setAttribute('aria-label', `Sentiment distribution: ${p.positive}% positive, ${p.neutral}% neutral, ${p.negative}% negative of ${total} posts`);
    clear(this.legend);
    this.legend.append(
      h('span', { class: 'lg-pos' }, h('b', null, `${p.positive}%`), ' positive'),
      h('span', { class: 'lg-neu' }, h('b', null, `${p.neutral}%`), ' neutral'),
      h('span', { class: 'lg-neg' }, h('b', null, `${p.negative}%`), ' negative'),
    );
  }
}

export class Bars {
  readonly el: HTMLElement;
  private last = '';
  constructor(label: string, private readonly empty = 'No data yet') {
    this.el = h('div', { class: 'bars', role: 'list', 'aria-label': label });
  }
  update(entries: [string, number][], classOf: (k: string) => string = () => ''): void {
    const key = JSON.stringify(entries);
    if (key === this.last) return;
    this.last = key;
    clear(this.el);
    if (entries.length === 0) {
      this.el.append(h('p', { class: 'muted' }, this.empty));
      return;
    }
    const max = Math.max(1, ...entries.map((e) => e[1]));
    const total = entries.reduce((a, e) => a + e[1], 0) || 1;
    for (const [k, v] of entries) {
      this.el.append(h('div', { class: 'bar-row', role: 'listitem', 'aria-label': `${k}: ${v} (${Math.round((v / total) * 100)}%)` },
        h('span', { style: { textTransform: 'capitalize' } }, k),
        h('span', { class: 'bar-track' }, h('span', { class: `bar-fill ${classOf(k)}`, style: { width: `${(v / max) * 100}%`, display: 'block' } })),
        h('span', { class: 'bar-num' }, v.toLocaleString())));
    }
  }
}

/** Stacked area chart of sentiment counts per bucket (or one line when a sentiment is filtered). */
export class TrendChart {
  readonly el: HTMLElement;
  private readonly box: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private plot: uPlot | null = null;
  private mode = '';
  private ro: ResizeObserver | null = null;
  private lastData: TrendSeries | null = null;

  constructor() {
    this.emptyEl = h('div', { class: 'chart-empty' }, 'Waiting for data…');
    this.box = h('div', { class: 'chart-box', role: 'img', 'aria-label': 'Sentiment trend over time' }, this.emptyEl);
    this.el = this.box;
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(this.box);
  }

  destroy(): void {
    this.ro?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  /** Re-creates the plot (e.g. after a theme change) keeping the data. */
  restyle(): void {
    this.plot?.destroy();
    this.plot = null;
    if (this.lastData) this.update(this.lastData, this.mode);
  }

  private resize(): void {
    if (this.plot) this.plot.setSize({ width: Math.max(200, this.box.clientWidth), height: this.height() });
  }

  private height(): number {
    return window.innerWidth < 640 ? 200 : 250;
  }

  private create(mode: string): uPlot {
    const pos = cssVar('--pos'), neu = cssVar('--neu'), neg = cssVar('--neg'), muted = cssVar('--muted'), grid = cssVar('--border');
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const single = mode !== 'stacked';
    const colour = (k: string) => (k === 'positive' ? pos : k === 'negative' ? neg : neu);
    const series: uPlot.Series[] = [{}];
    const opts: uPlot.Options = {
      width: Math.max(200, this.box.clientWidth || 600),
      height: this.height(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [axis, { ...axis, size: 44 }],
      series,
    };
    if (single) {
      series.push({ label: mode, stroke: colour(mode), width: 2, fill: withAlpha(colour(mode), 0.25), points: { show: false } });
    } else {
      series.push(
        { label: 'positive', stroke: pos, width: 1.5, points: { show: false } },
        { label: 'neutral', stroke: neu, width: 1.5, points: { show: false } },
        { label: 'negative', stroke: neg, width: 1.5, fill: withAlpha(neg, 0.45), points: { show: false } },
      );
      opts.bands = [
        { series: [1, 2], fill: withAlpha(pos, 0.4) },
        { series: [2, 3], fill: withAlpha(neu, 0.35) },
      ];
    }
    return new uPlot(opts, [[]], this.box);
  }

  /** mode: 'stacked' or a sentiment label to show alone. */
  update(s: TrendSeries, mode = 'stacked'): void {
    this.lastData = s;
    if (!this.plot || mode !== this.mode) {
      this.plot?.destroy();
      this.mode = mode;
      this.plot = this.create(mode);
    }
    const xs = s.t.map((t) => t / 1000);
    let data: uPlot.AlignedData;
    if (mode === 'stacked') {
      const st = stacked(s);
      data = [xs, st.positive, st.neutral, st.negative];
    } else {
      const k = mode as 'positive' | 'neutral' | 'negative';
      data = [xs, s[k].slice()];
    }
    this.plot.setData(data);
    const hasData = s.t.length > 0;
    this.emptyEl.style.display = hasData ? 'none' : '';
    this.box.setAttribute('data-points', String(s.t.length));
  }
}
