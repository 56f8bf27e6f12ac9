// Models: what the server has loaded (from /api/info), plus the dead-letter queue.
import type { Ctx, Page } from '../app';
import type { ModelInfo } from '../api/types';
import { h } from '../ui/dom';

function metricRows(m: Record<string, unknown> | undefined): HTMLElement[] {
  if (!m) return [];
  const out: HTMLElement[] = [];
  for (const [k, v] of Object.entries(m)) {
    const val = typeof v === 'number' ? (Math.abs(v) <= 1 ? v.toFixed(3) : v.toLocaleString()) : typeof v === 'object' ? JSON.stringify(v) : String(v);
    out.push(h('dt', null, k), h('dd', null, val.length > 200 ? `${val.slice(0, 200)}…` : val));
  }
  return out;
}

export function modelsPage(ctx: Ctx, root: HTMLElement): Page {
  const list = h('div', { class: 'models', 'data-testid': 'models' }, h('p', { class: 'muted' }, 'Loading…'));
  const server = h('p', { class: 'muted' });
  const dl = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Models'), server, list,
    h('section', { class: 'card', style: { marginTop: '14px' }, 'aria-labelledby': 'dl-h' }, h('h2', { id: 'dl-h' }, 'Dead letters'), dl));
  let alive = true;

  void ctx.info().then((info) => {
    if (!alive) return;
    if (!info) { list.replaceChildren(h('p', { class: 'muted' }, 'Could not load /api/info.')); return; }
    const build = typeof info.build === 'object' && info.build !== null
      ? Object.entries(info.build as Record<string, unknown>).map(([k, v]) => `${k} ${v}`).join(', ') : info.build;
    const extra = ['store', 'queue', 'auth'].map((k) => (typeof info[k] === 'string' ? `${k}: ${info[k]}` : null));
    server.textContent = [info.version && `Server ${info.version}`, build && `build ${build}`, ...extra].filter(Boolean).join(' · ');
    const models: ModelInfo[] = info.models ?? [];
    if (!models.length) { list.replaceChildren(h('p', { class: 'muted' }, 'No models loaded.')); return; }
    list.replaceChildren(...models.map((m) => h('section', { class: 'card', 'aria-label': `Model ${m.name}` },
      h('h2', null, `${m.name} `, h('span', { class: 'muted' }, `v${m.version}`)),
      h('dl', { class: 'kv' },
        h('dt', null, 'Kind'), h('dd', null, String(m.kind ?? '–')),
        m.task ? [h('dt', null, 'Task'), h('dd', null, String(m.task))] : null,
        h('dt', null, 'Labels'), h('dd', null, h('div', { class: 'chips' }, ...(m.labels ?? []).map((l) => h('span', { class: 'tag' }, l)))),
        ...metricRows(m.metrics)))));
  });
  void ctx.api.deadLetters().then((r) => {
    if (!alive) return;
    const items = (r?.dead_letters ?? r?.entries ?? r?.items ?? (Array.isArray(r) ? r : [])) as Record<string, unknown>[];
    if (!items.length) { dl.replaceChildren(h('p', { class: 'muted' }, 'The dead-letter queue is empty.')); return; }
    const cols = [...new Set(items.flatMap((i) => Object.keys(i)))].slice(0, 6);
    dl.replaceChildren(h('table', null,
      h('thead', null, h('tr', null, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...items.slice(0, 100).map((i) => h('tr', null, ...cols.map((c) => {
        const v = i[c];
        const s = typeof v === 'object' ? JSON.stringify(v) : String(v ?? '');
        return h('td', null, s.length > 160 ? `${s.slice(0, 160)}…` : s);
      }))))));
  }).catch((e) => { if (alive) dl.replaceChildren(h('p', { class: 'muted' }, `Could not load dead letters: ${(e as Error).message}`)); });
  return { destroy() { alive = false; } };
}
