// Virtualised live feed: a fixed-height row list that only keeps the visible rows (plus a
// little overscan) in the DOM, so 500 buffered posts cost the same as 10 on screen.
import type { Post } from '../api/types';
import { h, relTime, sentimentClass } from './dom';

const OVERSCAN = 4;

export class VirtualFeed {
  readonly el: HTMLElement;
  private readonly inner: HTMLElement;
  private items: Post[] = [];
  private rows = new Map<string, HTMLElement>();
  private rowH = 72;
  private raf = 0;

  constructor(private readonly onOpen: (p: Post) => void, label = 'Live feed') {
    this.inner = h('div', { class: 'feed-inner', role: 'list' });
    this.el = h('div', { class: 'feed-scroll', tabindex: '-1', 'aria-label': label }, this.inner);
    this.el.addEventListener('scroll', () => this.schedule(), { passive: true });
  }

  get count(): number {
    return this.items.length;
  }

  /** Replaces the list (newest first). When the reader has scrolled down, the view is kept
   *  on the same posts by shifting scrollTop by the rows that arrived above them. */
  setItems(items: Post[]): void {
    const prevFirst = this.items[0];
    this.items = items;
    if (prevFirst && this.el.scrollTop > 0) {
      let added = 0;
      while (added < items.length && items[added] !== prevFirst) added++;
      if (added > 0 && added < items.length) this.el.scrollTop += added * this.rowH;
    }
    this.render();
  }

  private schedule(): void {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.render();
    });
  }

  render(now = Date.now()): void {
    const n = this.items.length;
    // read layout first, then write: no forced synchronous layout per frame
    const viewH = this.el.clientHeight || 460;
    const scrollTop = this.el.scrollTop;
    this.inner.style.height = `${n * this.rowH}px`;
    if (n === 0) {
      for (const r of this.rows.values()) r.remove();
      this.rows.clear();
      if (!this.inner.querySelector('.feed-empty')) this.inner.append(h('div', { class: 'feed-empty' }, 'No posts match the filters yet.'));
      return;
    }
    this.inner.querySelector('.feed-empty')?.remove();
    const first = Math.max(0, Math.floor(scrollTop / this.rowH) - OVERSCAN);
    const last = Math.min(n - 1, Math.ceil((scrollTop + viewH) / this.rowH) + OVERSCAN);
    const keep = new Map<string, HTMLElement>();
    for (let i = first; i <= last; i++) {
      const p = this.items[i];
      const key = `${p.source}\u0000${p.post_id}`;
      let row = this.rows.get(key);
      if (!row) row = this.makeRow(p);
      this.rows.delete(key);
      row.style.transform = `translateY(${i * this.rowH}px)`;
      row.setAttribute('aria-posinset', String(i + 1));
      row.setAttribute('aria-setsize', String(n));
      const t = row.querySelector('.rt');
      if (t) t.textContent = relTime(p.created_at, now);
      keep.set(key, row);
      if (row.parentNode !== this.inner) this.inner.append(row);
    }
    for (const r of this.rows.values()) {
      if (r.contains(document.activeElement)) {
        keep.set(r.dataset.key ?? '', r); // never yank a focused row out from under the keyboard
        continue;
      }
      r.remove();
    }
    this.rows = keep;
  }

  private makeRow(p: Post): HTMLElement {
    const s = p.sentiment;
    const label = s?.label ?? 'pending';
    const conf = s?.confidence ?? 0;
    const emo = s?.emotion;
    const row = h('button', {
      type: 'button', class: `feed-row ${sentimentClass(label)}`, role: 'listitem', 'data-key': `${p.source}\u0000${p.post_id}`,
      'data-post-id': p.post_id,
      'aria-label': `${label} post from ${p.author || 'unknown author'} on ${p.source}: ${p.content.slice(0, 140)}`,
      onclick: () => this.onOpen(p),
    },
    h('span', { class: 'feed-meta' },
      h('span', { class: `tag ${sentimentClass(label)}` }, label),
      emo ? h('span', { class: 'tag' }, emo) : null,
      h('span', null, p.source),
      p.author ? h('span', null, `@${p.author}`) : null),
    h('span', { class: 'feed-right' },
      h('span', { class: 'conf', title: `confidence ${Math.round(conf * 100)}%` }, h('i', { style: { width: `${Math.round(conf * 100)}%` } })),
      h('span', null, `${Math.round(conf * 100)}%`),
      h('span', { class: 'rt' }, relTime(p.created_at))),
    h('span', { class: 'feed-text' }, p.content));
    return row;
  }
}
