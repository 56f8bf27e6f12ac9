// The filter controls shared by Overview and Posts. Every change is pushed to the URL.
import { type Filters, TIME_RANGES, defaultPeriodFor } from '../state/filters';
import { debounce, field, h, select } from '../ui/dom';

export const DEFAULT_EMOTIONS = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'];
export const KNOWN_SOURCES = ['youtube', 'reddit', 'twitter', 'extension'];

export interface FilterBar {
  el: HTMLElement;
  sync(f: Filters): void;
  setSources(s: string[]): void;
  setEmotions(e: string[]): void;
}

export function filterBar(initial: Filters, onChange: (f: Filters) => void, opts: { period?: boolean } = {}): FilterBar {
  let f = { ...initial };
  let sources = [...KNOWN_SOURCES];
  let emotions = [...DEFAULT_EMOTIONS];
  const src = select([['', 'All sources'], ...sources.map((s) => [s, s] as [string, string])], f.source, { name: 'source', 'data-filter': 'source' });
  const sent = select([['', 'All sentiments'], ['positive', 'Positive'], ['neutral', 'Neutral'], ['negative', 'Negative']], f.sentiment, { name: 'sentiment', 'data-filter': 'sentiment' });
  const emo = select([['', 'All emotions'], ...emotions.map((s) => [s, s] as [string, string])], f.emotion, { name: 'emotion', 'data-filter': 'emotion' });
  const vid = h('input', { type: 'text', name: 'video_id', placeholder: 'any video', value: f.video_id, 'data-filter': 'video_id', autocomplete: 'off' });
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Search text or author', value: f.q, 'data-filter': 'q', autocomplete: 'off' });
  const range = select(TIME_RANGES.map((r) => [r, `Last ${r}`] as [string, string]), f.range, { name: 'range', 'data-filter': 'range' });
  const period = select([['minute', 'Per minute'], ['hour', 'Per hour'], ['day', 'Per day']], f.period, { name: 'period', 'data-filter': 'period' });

  const emit = () => onChange({ ...f });
  const bind = (el: HTMLInputElement | HTMLSelectElement, key: keyof Filters) => {
    el.addEventListener('change', () => {
      (f as unknown as Record<string, string>)[key] = el.value.trim();
      if (key === 'range') {
        f.period = defaultPeriodFor(f.range);
        period.value = f.period;
      }
      emit();
    });
  };
  bind(src, 'source'); bind(sent, 'sentiment'); bind(emo, 'emotion'); bind(vid, 'video_id'); bind(range, 'range'); bind(period, 'period');
  const typed = debounce(() => {
    if (q.value.trim() === f.q) return;
    f.q = q.value.trim();
    emit();
  }, 350);
  q.addEventListener('input', typed);
  q.addEventListener('change', typed);

  const clearBtn = h('button', { type: 'button', 'aria-label': 'Clear all filters', onclick: () => {
    f = { ...f, source: '', sentiment: '', emotion: '', video_id: '', q: '' };
    sync(f);
    emit();
  } }, 'Clear');

  const form = h('form', { class: 'filters collapsed', id: `filters-${Math.random().toString(36).slice(2, 8)}`, role: 'search', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() },
    field('Source', src), field('Sentiment', sent), field('Emotion', emo), field('Video id', vid),
    h('div', { class: 'field-wide' }, field('Search', q)), field('Time range', range),
    opts.period === false ? null : field('Granularity', period),
    h('div', { class: 'field field-btn' }, h('span', { class: 'field-label', 'aria-hidden': 'true' }, '\u00a0'), clearBtn));
  // On phones the filters fold behind a toggle that also says how many are active.
  const toggle = h('button', { type: 'button', class: 'filters-toggle', 'aria-expanded': 'false', 'aria-controls': form.id }, 'Filters');
  toggle.addEventListener('click', () => {
    const open = form.classList.toggle('collapsed') === false;
    toggle.setAttribute('aria-expanded', String(open));
  });
  const paintToggle = () => {
    const n = (['source', 'sentiment', 'emotion', 'video_id', 'q'] as const).filter((k) => f[k]).length;
    toggle.textContent = `Filters${n ? ` (${n} active)` : ''} · last ${f.range}`;
  };
  paintToggle();
  form.addEventListener('change', () => setTimeout(paintToggle));
  const el = h('div', { class: 'filters-wrap' }, toggle, form);

  const refill = (s: HTMLSelectElement, all: string, values: string[], cur: string) => {
    const opts2: [string, string][] = [['', all], ...values.map((v) => [v, v] as [string, string])];
    if (cur && !values.includes(cur)) opts2.push([cur, cur]);
    s.replaceChildren(...opts2.map(([v, t]) => h('option', { value: v }, t)));
    s.value = cur;
  };
  function sync(nf: Filters): void {
    f = { ...nf };
    refill(src, 'All sources', sources, f.source);
    sent.value = f.sentiment;
    refill(emo, 'All emotions', emotions, f.emotion);
    vid.value = f.video_id;
    if (document.activeElement !== q) q.value = f.q;
    range.value = f.range;
    period.value = f.period;
    paintToggle();
  }
  return {
    el,
    sync,
    setSources(s) {
      const merged = [...new Set([...s, ...sources])].filter(Boolean).sort();
      if (merged.join() === sources.join()) return;
      sources = merged;
      refill(src, 'All sources', sources, f.source);
    },
    setEmotions(e) {
      if (!e.length || e.join() === emotions.join()) return;
      emotions = [...e];
      refill(emo, 'All emotions', emotions, f.emotion);
    },
  };
}
