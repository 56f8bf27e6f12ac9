// WebSocket connection to /ws/sentiment that reconnects by itself with exponential backoff and
// jitter, declares the link dead when the server goes silent, and re-sends the subscription
// after every reconnect. The socket factory and the timers are injected so tests can drive it.
import { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import type { ServerMessage } from '../api/types';

/** The subset of the browser WebSocket that the connection uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
  now(): number;
}
export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export type LinkStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface Subscription {
  source?: string;
  video_id?: string;
}

export interface LiveSocketOptions {
  url: string;
  factory: SocketFactory;
  timers?: Timers;
  rand?: () => number;
  backoff?: BackoffOptions;
  /** No message (ping included) for this long means the link is dead. */
  silenceTimeoutMs?: number;
  onMessage: (m: ServerMessage) => void;
  onStatus?: (s: LinkStatus, info: { attempt: number; nextRetryMs?: number }) => void;
}

const OPEN = 1;

export class LiveSocket {
  private sock: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private silenceTimer: unknown = null;
  private status: LinkStatus = 'stopped';
  private sub: Subscription = {};
  private readonly timers: Timers;
  private readonly rand: () => number;
  private readonly backoff: BackoffOptions;
  private readonly silenceMs: number;
  lastMessageAt = 0;

  constructor(private readonly opts: LiveSocketOptions) {
    this.timers = opts.timers ?? realTimers;
    this.rand = opts.rand ?? Math.random;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.silenceMs = opts.silenceTimeoutMs ?? 45000;
  }

  get state(): LinkStatus {
    return this.status;
  }
  get attempts(): number {
    return this.attempt;
  }

  start(): void {
    if (this.status !== 'stopped') return;
    this.connect();
  }

  stop(): void {
    this.clearTimers();
    this.setStatus('stopped');
    this.dropSocket();
  }

  /** Sets the server-side filter; sent now if open and again after every reconnect. */
  subscribe(sub: Subscription): void {
    this.sub = { ...sub };
    if (this.sock && this.sock.readyState === OPEN) this.sendSubscription();
  }

  private connect(): void {
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let s: SocketLike;
    try {
      s = this.opts.factory(this.opts.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.sock = s;
    s.onopen = () => {
      if (this.sock !== s) return;
      this.attempt = 0;
      this.setStatus('open');
      this.armSilence();
      this.sendSubscription();
    };
    s.onmessage = (ev) => {
      if (this.sock !== s) return;
      this.lastMessageAt = this.timers.now();
      this.armSilence();
      let m: ServerMessage;
      try {
        m = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') this.opts.onMessage(m);
    };
    s.onerror = () => {
      // onclose follows; nothing to do here.
    };
    s.onclose = () => {
      if (this.sock !== s) return;
      this.sock = null;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.status === 'stopped') return;
    this.clearTimers();
    const delay = backoffDelay(this.attempt, this.backoff, this.rand);
    this.attempt += 1;
    this.setStatus('reconnecting', delay);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (this.status !== 'stopped') this.connect();
    }, delay);
  }

  private armSilence(): void {
    if (this.silenceTimer !== null) this.timers.clearTimeout(this.silenceTimer);
    this.silenceTimer = this.timers.setTimeout(() => {
      this.silenceTimer = null;
      // The server went quiet (no pings): treat as a dead link and reconnect.
      this.dropSocket();
      this.scheduleRetry();
    }, this.silenceMs);
  }

  private sendSubscription(): void {
    const msg: Record<string, string> = { type: 'subscribe' };
    if (this.sub.source) msg.source = this.sub.source;
    if (this.sub.video_id) msg.video_id = this.sub.video_id;
    try {
      this.sock?.send(JSON.stringify(msg));
    } catch {
      // closed in between; the reconnect path re-sends it
    }
  }

  private dropSocket(): void {
    const s = this.sock;
    this.sock = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    if (this.silenceTimer !== null) this.timers.clearTimeout(this.silenceTimer);
    this.retryTimer = this.silenceTimer = null;
  }

  private setStatus(s: LinkStatus, nextRetryMs?: number): void {
    const changed = s !== this.status || nextRetryMs !== undefined;
    this.status = s;
    if (changed) this.opts.onStatus?.(s, { attempt: this.attempt, nextRetryMs });
  }
}
