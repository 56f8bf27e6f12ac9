// Posts: searchable, paginated table (cursor paging when the server offers it, else offset)
// with CSV/JSONL export of the same filters.
import type { Ctx, Page } from '../app';
import type { Post } from '../api/types';
import { ApiError } from '../api/client';
import { type Filters, filtersFromQuery, filtersToQuery } from '../state/filters';
import { fmtTime, h, pct, sentimentClass } from '../ui/dom';
import { filterBar } from './filterbar';
import { loadApiKey } from '../app';

const PAGE = 50;

export function postsPage(ctx: Ctx, root: HTMLElement): Page {
  let filters: Filters = filtersFromQuery(location.search);
  let offset = 0;
  const cursors: (string | undefined)[] = [undefined]; // cursor for page i
  let pageIdx = 0;
  let nextCursor: string | null | undefined;
  let seq = 0;

  const bar = filterBar(filters, (f) => ctx.navigate(`/posts${filtersToQuery(f)}`), { period: false });
  const tbody = h('tbody');
  const info = h('span', { class: 'muted', 'aria-live': 'polite' }, '');
  const prev = h('button', { type: 'button', 'aria-label': 'Previous page' }, '‹ Previous');
  const next = h('button', { type: 'button', 'aria-label': 'Next page' }, 'Next ›');
  const err = h('div', { class: 'banner error', hidden: true, role: 'alert' });
  const csv = h('a', { class: 'btn', 'data-testid': 'export-csv', download: '' }, 'Export CSV');
  const jsonl = h('a', { class: 'btn', 'data-testid': 'export-jsonl', download: '' }, 'Export JSONL');
  for (const [a, fmt] of [[csv, 'csv'], [jsonl, 'jsonl']] as const) {
    a.addEventListener('click', (e) => {
      // With an API key the download must carry the Authorization header: fetch it as a blob.
      if (!loadApiKey()) return;
      e.preventDefault();
      void (async () => {
        const res = await fetch(ctx.api.exportUrl(fmt, filters), { headers: { Authorization: `Bearer ${loadApiKey()}` } });
        const blob = await res.blob();
        const u = URL.createObjectURL(blob);
        const tmp = h('a', { href: u, download: `sentio-posts.${fmt}` });
        document.body.append(tmp);
        tmp.click();
        tmp.remove();
        setTimeout(() => URL.revokeObjectURL(u), 10_000);
      })();
    });
  }

  root.append(
    h('h1', null, 'Posts'),
    bar.el,
    err,
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, info, h('div', { class: 'toolbar' }, csv, jsonl)),
      h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'posts-table' },
        h('caption', { class: 'sr-only' }, 'Posts matching the filters, newest first'),
        h('thead', null, h('tr', null, ...['Time', 'Source', 'Author', 'Sentiment', 'Emotion', 'Confidence', 'Text'].map((t) => h('th', { scope: 'col' }, t)))),
        tbody)),
      h('div', { class: 'pager' }, prev, next)));

  prev.addEventListener('click', () => {
    if (pageIdx === 0) return;
    pageIdx -= 1;
    offset = Math.max(0, offset - PAGE);
    void load();
  });
  next.addEventListener('click', () => {
    if (nextCursor) cursors[pageIdx + 1] = nextCursor;
    pageIdx += 1;
    offset += PAGE;
    void load();
  });

  function row(p: Post): HTMLElement {
    const s = p.sentiment;
    const open = h('button', { type: 'button', class: 'icon', 'aria-label': `Open post ${p.post_id}`, onclick: () => ctx.openPost(p) }, '↗');
    return h('tr', null,
      h('td', null, fmtTime(p.created_at)),
      h('td', null, p.source),
      h('td', null, p.author ?? ''),
      h('td', null, s ? h('span', { class: `tag ${sentimentClass(s.label)}` }, s.label) : h('span', { class: 'muted' }, 'pending')),
      h('td', null, s?.emotion ?? ''),
      h('td', { class: 'num' }, s ? pct(s.confidence) : ''),
      h('td', { class: 'content' }, open, ' ', p.content));
  }

  async function load(): Promise<void> {
    const my = ++seq;
    const now = Date.now();
    csv.href = ctx.api.exportUrl('csv', filters, now);
    jsonl.href = ctx.api.exportUrl('jsonl', filters, now);
    info.textContent = 'Loading…';
    try {
      const cursor = cursors[pageIdx];
      const r = await ctx.api.posts(filters, cursor ? { limit: PAGE, cursor } : { limit: PAGE, offset }, now);
      if (my !== seq) return;
      err.hidden = true;
      nextCursor = r.next_cursor;
      tbody.replaceChildren(...(r.posts ?? []).map(row));
      if (!r.posts?.length) tbody.append(h('tr', null, h('td', { colspan: '7', class: 'muted' }, 'No posts match these filters.')));
      const total = Number(r.total) || 0;
      const from = (r.posts?.length ?? 0) ? offset + 1 : 0;
      info.textContent = `${from}–${offset + (r.posts?.length ?? 0)} of ${total.toLocaleString()} posts`;
      prev.disabled = pageIdx === 0;
      next.disabled = !(nextCursor || offset + PAGE < total);
    } catch (e) {
      if (my !== seq) return;
      if (e instanceof ApiError && e.isAuth) ctx.bus.emit('auth', e.message);
      err.textContent = `Could not load posts: ${(e as Error).message}`;
      err.hidden = false;
      info.textContent = '';
    }
  }
  void load();
  return {
    onQuery() {
      filters = filtersFromQuery(location.search);
      bar.sync(filters);
      offset = 0; pageIdx = 0; cursors.length = 1;
      void load();
    },
    destroy() {
      seq += 1;
    },
  };
}
