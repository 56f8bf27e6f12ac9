import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { LiveSocket, type LinkStatus } from './socket';
import { LiveService, type LiveMode } from './live';
import { FakeSocket, FakeTimers } from '../testing/fakes';
import type { Post } from '../api/types';

describe('backoffDelay', () => {
  const o = { baseMs: 500, maxMs: 8000, jitter: 0.5 };
  it('grows exponentially and caps', () => {
    const lo = (a: number) => backoffDelay(a, o, () => 0);
    const hi = (a: number) => backoffDelay(a, o, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5, 10].map(lo)).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(hi(0)).toBe(500);
    expect(hi(4)).toBe(8000);
    expect(hi(100)).toBe(8000);
  });
  it('jitter spreads delays within bounds', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const x = ((i * 37) % 50) / 50;
      const d = backoffDelay(3, o, () => x);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});

function harness(rand = () => 0) {
  const timers = new FakeTimers();
  const sockets: FakeSocket[] = [];
  const msgs: unknown[] = [];
  const statuses: LinkStatus[] = [];
  const ls = new LiveSocket({
    url: 'ws://h/ws/sentiment', timers, rand, backoff: { baseMs: 100, maxMs: 1000, jitter: 0.5 }, silenceTimeoutMs: 5000,
    factory: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; },
    onMessage: (m) => msgs.push(m),
    onStatus: (s) => statuses.push(s),
  });
  return { timers, sockets, msgs, statuses, ls };
}

describe('LiveSocket', () => {
  it('connects, subscribes and delivers parsed messages', () => {
    const h = harness();
    h.ls.subscribe({ source: 'youtube' });
    h.ls.start();
    expect(h.sockets).toHaveLength(1);
    h.sockets[0].open();
    expect(h.ls.state).toBe('open');
    expect(JSON.parse(h.sockets[0].sent[0])).toEqual({ type: 'subscribe', source: 'youtube' });
    h.sockets[0].message({ type: 'ping' });
    h.sockets[0].message('not json');
    h.sockets[0].message({ nope: 1 });
    expect(h.msgs).toEqual([{ type: 'ping' }]);
  });
  it('reconnects with growing delays and resets after success', () => {
    const h = harness();
    h.ls.start();
    h.sockets[0].drop();
    expect(h.ls.state).toBe('reconnecting');
    expect(h.timers.pending).toEqual([50]);
    h.timers.advance(49);
    expect(h.sockets).toHaveLength(1);
    h.timers.advance(1);
    expect(h.sockets).toHaveLength(2);
    h.sockets[1].drop();
    expect(h.timers.pending).toEqual([100]);
    h.timers.advance(100);
    h.sockets[2].drop();
    expect(h.timers.pending).toEqual([200]);
    h.timers.advance(200);
    h.sockets[3].open();
    expect(h.ls.attempts).toBe(0);
    h.sockets[3].drop();
    expect(h.timers.pending).toEqual([50]);
  });
  it('re-sends the subscription after a reconnect', () => {
    const h = harness();
    h.ls.start();
    h.sockets[0].open();
    h.ls.subscribe({ video_id: 'v9' });
    expect(JSON.parse(h.sockets[0].sent.at(-1)!)).toEqual({ type: 'subscribe', video_id: 'v9' });
    h.sockets[0].drop();
    h.timers.advance(1000);
    h.sockets[1].open();
    expect(JSON.parse(h.sockets[1].sent[0])).toEqual({ type: 'subscribe', video_id: 'v9' });
  });
  it('treats a silent server as dead', () => {
    const h = harness();
    h.ls.start();
    h.sockets[0].open();
    h.timers.advance(4000);
    h.sockets[0].message({ type: 'ping' });
    h.timers.advance(4000);
    expect(h.sockets[0].closed).toBe(false);
    h.timers.advance(1001);
    expect(h.sockets[0].closed).toBe(true);
    expect(h.ls.state).toBe('reconnecting');
  });
  it('stop() cancels retries and closes the socket', () => {
    const h = harness();
    h.ls.start();
    h.sockets[0].drop();
    h.ls.stop();
    h.timers.advance(100000);
    expect(h.sockets).toHaveLength(1);
    expect(h.ls.state).toBe('stopped');
  });
  it('survives a factory that throws', () => {
    const timers = new FakeTimers();
    let n = 0;
    const ls = new LiveSocket({
      url: 'x', timers, rand: () => 0, backoff: { baseMs: 10, maxMs: 100, jitter: 0 },
      factory: () => { n++; throw new Error('bad url'); }, onMessage: () => {},
    });
    ls.start();
    timers.advance(1000);
    expect(n).toBeGreaterThan(3);
    ls.stop();
  });
});

const mkPost = (i: number): Post => ({ post_id: `p${i}`, source: 'synthetic', content: `c${i}`, created_at: new Date(i * 1000).toISOString(),
  sentiment: { label: 'positive', confidence: 0.9 } });

describe('LiveService polling fallback', () => {
  it('polls while the socket is down, de-duplicates, and stops once it is back', async () => {
    const timers = new FakeTimers();
    const sockets: FakeSocket[] = [];
    const got: string[] = [];
    const modes: LiveMode[] = [];
    let recent: Post[] = [mkPost(2), mkPost(1)];
    let polls = 0;
    const svc = new LiveService({
      url: 'ws://h', timers, rand: () => 0, backoff: { baseMs: 1000, maxMs: 4000, jitter: 0 }, pollMs: 500,
      factory: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; },
      fetchRecent: async () => { polls++; return recent; },
      onPosts: (ps) => got.push(...ps.map((p) => p.post_id)),
      onMode: (m) => modes.push(m),
    });
    svc.start();
    sockets[0].open();
    sockets[0].message({ type: 'new_post', data: mkPost(1) });
    expect(got).toEqual(['p1']);
    sockets[0].drop();
    expect(svc.currentMode).toBe('polling');
    timers.advance(0);
    await Promise.resolve(); await Promise.resolve(); await Promise.resolve();
    expect(polls).toBe(1);
    expect(got).toEqual(['p1', 'p2']); // p1 not repeated, oldest first
    recent = [mkPost(3), mkPost(2)];
    timers.advance(500);
    await Promise.resolve(); await Promise.resolve(); await Promise.resolve();
    expect(got).toEqual(['p1', 'p2', 'p3']);
    // the reconnect timer (1000 ms) fires; the socket comes back
    timers.advance(500);
    await Promise.resolve(); await Promise.resolve(); await Promise.resolve();
    sockets.at(-1)!.open();
    expect(svc.currentMode).toBe('live');
    const before = polls;
    timers.advance(5000);
    await Promise.resolve();
    expect(polls).toBe(before);
    expect(modes).toContain('polling');
    svc.stop();
  });
  it('reports offline when polling fails too, and recovers', async () => {
    const timers = new FakeTimers();
    let fail = true;
    const svc = new LiveService({
      url: 'ws://h', timers, rand: () => 0, backoff: { baseMs: 60000, maxMs: 60000, jitter: 0 }, pollMs: 100,
      factory: (u) => new FakeSocket(u),
      fetchRecent: async () => { if (fail) throw new Error('down'); return [mkPost(7)]; },
      onPosts: () => {},
    });
    svc.start();
    (svc.socket as unknown as { sock: FakeSocket }).sock.drop();
    timers.advance(0);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(svc.currentMode).toBe('offline');
    fail = false;
    timers.advance(100);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(svc.currentMode).toBe('polling');
    svc.stop();
  });
});
