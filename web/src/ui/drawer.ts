// Post detail drawer: a modal dialog with focus trapped inside, closed by Esc or the button,
// returning focus to where it was.
import type { Ctx } from '../app';
import type { Post } from '../api/types';
import { fmtTime, h, pct, sentimentClass } from './dom';
import { Bars } from './charts';

export function openPostDrawer(ctx: Ctx, p: Post): void {
  const prev = document.activeElement as HTMLElement | null;
  const closeBtn = h('button', { type: 'button', 'aria-label': 'Close post details' }, 'Close ✕');
  const body = h('div', { class: 'stack' });
  const drawer = h('aside', { class: 'drawer', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'drawer-title', 'data-testid': 'post-drawer' },
    h('div', { class: 'card-head' }, h('h2', { id: 'drawer-title' }, 'Post details'), closeBtn), body);
  const backdrop = h('div', { class: 'drawer-backdrop' });
  const close = () => {
    drawer.remove();
    backdrop.remove();
    document.removeEventListener('keydown', onKey, true);
    prev?.focus?.();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); close(); }
    if (e.key === 'Tab') {
      const f = [...drawer.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')];
      if (!f.length) return;
      const first = f[0], last = f[f.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  };
  closeBtn.addEventListener('click', close);
  backdrop.addEventListener('click', close);
  document.addEventListener('keydown', onKey, true);
  document.body.append(backdrop, drawer);
  closeBtn.focus();

  const render = (post: Post) => {
    body.replaceChildren();
    const s = post.sentiment;
    body.append(h('div', { class: 'post-body' }, post.content));
    const dl = h('dl', null);
    const row = (k: string, v: Node | string | null | undefined) => { if (v !== null && v !== undefined && v !== '') dl.append(h('dt', null, k), h('dd', null, v)); };
    row('Sentiment', s ? h('span', { class: `tag ${sentimentClass(s.label)}` }, `${s.label} · ${pct(s.confidence)}`) : 'not analysed yet');
    row('Emotion', s?.emotion ? `${s.emotion}${s.emotion_confidence != null ? ` · ${pct(s.emotion_confidence)}` : ''}` : null);
    row('Source', post.source);
    row('Author', post.author ?? null);
    row('Posted', fmtTime(post.created_at));
    row('Video', post.video_id ?? null);
    row('Post id', post.post_id);
    row('Model', s?.model_name ? `${s.model_name}${s.model_version ? ` @ ${s.model_version}` : ''}` : s?.model_version ?? null);
    row('Analysed', s?.analyzed_at ? fmtTime(s.analyzed_at) : null);
    if (post.url && /^https?:\/\//.test(post.url)) row('Link', h('a', { href: post.url, target: '_blank', rel: 'noopener noreferrer' }, 'Open original'));
    body.append(dl);
    if (s?.scores && Object.keys(s.scores).length) {
      const bars = new Bars('Class scores');
      bars.update(Object.entries(s.scores).map(([k, v]) => [k, Math.round(v * 100)] as [string, number]), sentimentClass);
      body.append(h('h3', { style: { fontSize: '13px', margin: '4px 0' } }, 'Scores (%)'), bars.el);
    }
  };
  render(p);
  ctx.api.post(p.post_id, p.source).then((full) => { if (full && drawer.isConnected) render(full); }).catch(() => { /* keep what we have */ });
}
