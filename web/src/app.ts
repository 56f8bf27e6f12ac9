// Application context shared by the pages: API client, live service, a tiny event bus,
// navigation and settings. Built once in main.ts and passed to every page (no globals).
import type { ApiClient } from './api/client';
import type { Alert, InfoResponse, Post, WindowCounts } from './api/types';
import type { LiveMode, LiveService } from './live/live';

export interface BusEvents {
  posts: Post[];
  alert: Alert;
  metrics: { last_minute?: WindowCounts; last_hour?: WindowCounts; last_24_hours?: WindowCounts };
  mode: { mode: LiveMode; attempt: number; nextRetryMs?: number };
  theme: string;
  auth: string;
  /** A polling-fallback tick happened (the WebSocket is down). */
  poll: number;
}

export class Bus {
  private readonly handlers = new Map<keyof BusEvents, Set<(v: never) => void>>();
  on<K extends keyof BusEvents>(k: K, fn: (v: BusEvents[K]) => void): () => void {
    let s = this.handlers.get(k);
    if (!s) this.handlers.set(k, (s = new Set()));
    s.add(fn as (v: never) => void);
    return () => s!.delete(fn as (v: never) => void);
  }
  emit<K extends keyof BusEvents>(k: K, v: BusEvents[K]): void {
    for (const fn of this.handlers.get(k) ?? []) (fn as (v: BusEvents[K]) => void)(v);
  }
}

export interface Ctx {
  api: ApiClient;
  live: LiveService;
  bus: Bus;
  navigate(pathAndQuery: string, replace?: boolean): void;
  openPost(p: Pick<Post, 'post_id' | 'source'> & Partial<Post>): void;
  info(): Promise<InfoResponse | null>;
  announce(msg: string): void;
}

export interface Page {
  /** Called when only the query string changed (filters, back/forward). */
  onQuery?(): void;
  destroy(): void;
}

export type PageFactory = (ctx: Ctx, root: HTMLElement) => Page;

export const SETTINGS_KEY = 'sentio.apiKey';
export function loadApiKey(): string | null {
  try {
    return localStorage.getItem(SETTINGS_KEY);
  } catch {
    return null;
  }
}
export function saveApiKey(k: string): void {
  try {
    if (k) localStorage.setItem(SETTINGS_KEY, k);
    else localStorage.removeItem(SETTINGS_KEY);
  } catch {
    // storage disabled: the key lives for this page only
  }
}
