// Try it: classify a text with POST /api/predict (explain: true) and show label, scores,
// emotion and the explanation as highlighted words.
import type { Ctx, Page } from '../app';
import type { Prediction } from '../api/types';
import { ApiError } from '../api/client';
import { highlightSegments, intensity } from '../state/explain';
import { Bars } from '../ui/charts';
import { h, pct, sentimentClass } from '../ui/dom';

const EXAMPLES = [
  'I absolutely love this video, the editing is amazing!',
  'This is the worst update ever. Totally broken and useless.',
  'The stream starts at 8pm tomorrow.',
];

export function tryPage(ctx: Ctx, root: HTMLElement): Page {
  const ta = h('textarea', { id: 'try-text', rows: 4, maxlength: 5000, placeholder: 'Type or paste a comment…', 'data-testid': 'try-input' });
  ta.value = EXAMPLES[0];
  const btn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'try-submit' }, 'Analyse');
  const out = h('div', { 'aria-live': 'polite', 'data-testid': 'try-result' });
  const examples = h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, 'Examples:'),
    ...EXAMPLES.map((t, i) => h('button', { type: 'button', 'aria-label': `Use example ${i + 1}: ${t}`, onclick: () => { ta.value = t; ta.focus(); } }, `#${i + 1}`)));
  const form = h('form', { class: 'card stack', 'aria-label': 'Classify a text' },
    h('label', { for: 'try-text', class: 'field-label' }, 'Text to classify'), ta,
    h('div', { class: 'toolbar' }, btn, examples));
  root.append(h('h1', null, 'Try it'), form, h('div', { style: { height: '14px' } }), out);
  let alive = true;

  function render(text: string, p: Prediction): void {
    const scores = new Bars('Sentiment scores');
    scores.update(Object.entries(p.scores ?? {}).map(([k, v]) => [k, Math.round(v * 100)] as [string, number]).sort((a, b) => b[1] - a[1]), sentimentClass);
    const ex = p.explanation ?? [];
    const maxAbs = Math.max(0, ...ex.map((e) => Math.abs(e.weight)).filter(Number.isFinite));
    const segs = highlightSegments(text, ex);
    const explain = h('div', { class: 'explain', 'data-testid': 'explanation' }, ...segs.map((s) => {
      if (s.weight === null || s.weight === 0) return s.text;
      return h('mark', {
        class: `tok ${s.weight > 0 ? 'w-pos' : 'w-neg'}`, style: { color: 'inherit' } as Partial<CSSStyleDeclaration>,
        title: `weight ${s.weight.toFixed(3)}`, 'aria-label': `${s.text} (weight ${s.weight.toFixed(2)})`,
      }, s.text);
    }));
    explain.querySelectorAll<HTMLElement>('mark.tok').forEach((m) => {
      const w = Number(m.title.replace('weight ', ''));
      m.style.setProperty('--a', String(0.15 + 0.45 * intensity(w, maxAbs)));
    });
    const tokenList = h('div', { class: 'chips' }, ...[...ex].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 12)
      .map((e) => h('span', { class: `tag ${e.weight > 0 ? 's-positive' : 's-negative'}` }, `${e.token} ${e.weight > 0 ? '+' : ''}${e.weight.toFixed(2)}`)));
    const emo = p.emotion;
    const emoBars = new Bars('Emotion scores');
    if (emo?.scores) emoBars.update(Object.entries(emo.scores).map(([k, v]) => [k, Math.round(v * 100)] as [string, number]).sort((a, b) => b[1] - a[1]).slice(0, 7), (k) => `e-${k}`);
    out.replaceChildren(h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-label': 'Prediction' },
        h('div', { class: 'result-head' },
          h('span', { class: `big-label ${sentimentClass(p.label)}`, 'data-testid': 'try-label' }, p.label),
          h('span', { class: 'muted' }, `${pct(p.score)} confidence`),
          p.model_version ? h('span', { class: 'muted' }, `model ${p.model_version}`) : null),
        h('h2', null, 'Scores (%)'), scores.el,
        h('h2', { style: { marginTop: '14px' } }, 'Explanation'),
        ex.length ? h('p', { class: 'muted', style: { margin: '0 0 6px' } },
          h('mark', { class: 'tok w-pos', style: { color: 'inherit' } }, 'green'), ` pushes toward “${p.label}”, `,
          h('mark', { class: 'tok w-neg', style: { color: 'inherit' } }, 'red'), ' pushes away; stronger colour = larger weight.') : h('p', { class: 'muted' }, 'This model gave no explanation.'),
        explain, h('div', { style: { height: '8px' } }), tokenList),
      h('section', { class: 'card', 'aria-label': 'Emotion' },
        h('h2', null, 'Emotion'),
        emo ? h('div', { class: 'result-head' }, h('span', { class: 'big-label' }, emo.label), h('span', { class: 'muted' }, `${pct(emo.score)}`)) : h('p', { class: 'muted' }, 'No emotion model loaded.'),
        emo?.scores ? emoBars.el : null)));
    out.querySelectorAll<HTMLElement>('mark.tok:not([title])').forEach((m) => m.style.setProperty('--a', '0.55'));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ta.value.trim();
    if (!text) { out.replaceChildren(h('p', { class: 'banner' }, 'Enter some text first.')); return; }
    btn.disabled = true;
    btn.textContent = 'Analysing…';
    ctx.api.predict(text, true).then((p) => { if (alive) render(text, p); }).catch((err) => {
      if (!alive) return;
      if (err instanceof ApiError && err.isAuth) ctx.bus.emit('auth', err.message);
      out.replaceChildren(h('div', { class: 'banner error', role: 'alert' }, `Could not classify: ${(err as Error).message}${err instanceof ApiError ? ` (${err.code})` : ''}`));
    }).finally(() => { btn.disabled = false; btn.textContent = 'Analyse'; });
  });
  ta.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });
  return { destroy() { alive = false; } };
}
