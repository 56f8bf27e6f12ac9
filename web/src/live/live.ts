// Live data source for the dashboard: the WebSocket when it is up, and a polling fallback
// (/api/posts/recent, plus a caller hook for /api/stats) while it is down. Posts are
// de-duplicated across both paths, so switching between them never shows a post twice.
import type { Alert, Post, ServerMessage } from '../api/types';
import { FeedBuffer, postKey } from '../state/feed';
import { LiveSocket, type LinkStatus, realTimers, type SocketFactory, type Subscription, type Timers } from './socket';
import type { BackoffOptions } from './backoff';

export type LiveMode = 'connecting' | 'live' | 'polling' | 'offline' | 'stopped';

export interface LiveServiceOptions {
  url: string;
  factory: SocketFactory;
  timers?: Timers;
  rand?: () => number;
  backoff?: BackoffOptions;
  silenceTimeoutMs?: number;
  pollMs?: number;
  fetchRecent: () => Promise<Post[]>;
  /** Called on every poll tick while the socket is down (e.g. refresh /api/stats). */
  onPoll?: () => Promise<void> | void;
  onPosts: (posts: Post[]) => void;
  onMetrics?: (m: Extract<ServerMessage, { type: 'metrics_update' }>['data']) => void;
  onAlert?: (a: Alert) => void;
  onMode?: (mode: LiveMode, detail: { attempt: number; nextRetryMs?: number }) => void;
}

export class LiveService {
  readonly socket: LiveSocket;
  private readonly seen = new FeedBuffer<string>(4000, (k) => k);
  private readonly timers: Timers;
  private readonly pollMs: number;
  private pollTimer: unknown = null;
  private polling = false;
  private inFlight = false;
  private mode: LiveMode = 'stopped';
  /** ms time of the last data received by either path. */
  lastUpdate = 0;

  constructor(private readonly opts: LiveServiceOptions) {
    this.timers = opts.timers ?? realTimers;
    this.pollMs = opts.pollMs ?? 3000;
    this.socket = new LiveSocket({
      url: opts.url,
      factory: opts.factory,
      timers: this.timers,
      rand: opts.rand,
      backoff: opts.backoff,
      silenceTimeoutMs: opts.silenceTimeoutMs,
      onMessage: (m) => this.onMessage(m),
      onStatus: (s, info) => this.onLink(s, info),
    });
  }

  get currentMode(): LiveMode {
    return this.mode;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.stopPolling();
    this.socket.stop();
    this.setMode('stopped', { attempt: 0 });
  }

  subscribe(sub: Subscription): void {
    this.socket.subscribe(sub);
  }

  /** Records posts obtained elsewhere (e.g. the initial REST load) so they are not re-emitted. */
  markSeen(posts: Post[]): void {
    for (const p of posts) this.seen.push(postKey(p));
  }

  private onMessage(m: ServerMessage): void {
    this.lastUpdate = this.timers.now();
    switch (m.type) {
      case 'new_post':
        if (m.data && typeof m.data === 'object') this.emit([m.data]);
        break;
      case 'metrics_update':
        if (m.data) this.opts.onMetrics?.(m.data);
        break;
      case 'alert':
        if (m.data) this.opts.onAlert?.(m.data);
        break;
      default:
        break;
    }
  }

  private emit(posts: Post[]): void {
    const fresh = posts.filter((p) => p && typeof p.post_id === 'string' && this.seen.push(postKey(p)));
    if (fresh.length) this.opts.onPosts(fresh);
  }

  private onLink(s: LinkStatus, info: { attempt: number; nextRetryMs?: number }): void {
    if (s === 'open') {
      this.stopPolling();
      this.setMode('live', info);
    } else if (s === 'reconnecting') {
      this.startPolling();
      this.setMode(this.mode === 'offline' ? 'offline' : 'polling', info);
    } else if (s === 'connecting') {
      this.setMode('connecting', info);
    }
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    this.schedulePoll(0);
  }

  private stopPolling(): void {
    this.polling = false;
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  private schedulePoll(ms: number): void {
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = this.timers.setTimeout(() => {
      this.pollTimer = null;
      void this.pollOnce();
    }, ms);
  }

  /** One poll tick; exposed for tests. */
  async pollOnce(): Promise<void> {
    if (!this.polling || this.inFlight) return;
    this.inFlight = true;
    try {
      const posts = await this.opts.fetchRecent();
      await this.opts.onPoll?.();
      if (!this.polling) return;
      this.lastUpdate = this.timers.now();
      // /api/posts/recent is newest first; emit oldest first.
      this.emit([...posts].reverse());
      if (this.mode === 'offline') this.setMode('polling', { attempt: this.socket.attempts });
    } catch {
      if (this.polling) this.setMode('offline', { attempt: this.socket.attempts });
    } finally {
      this.inFlight = false;
      if (this.polling) this.schedulePoll(this.pollMs);
    }
  }

  private setMode(m: LiveMode, detail: { attempt: number; nextRetryMs?: number }): void {
    this.mode = m;
    this.opts.onMode?.(m, detail);
  }
}
