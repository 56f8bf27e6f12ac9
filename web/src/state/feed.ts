// Bounded, de-duplicated buffer of live posts (newest first). Memory stays constant however
// long the dashboard is open: beyond `capacity` the oldest posts are dropped.
import type { Post } from '../api/types';

export function postKey(p: Pick<Post, 'source' | 'post_id'>): string {
  return `${p.source}\u0000${p.post_id}`;
}

export class FeedBuffer<T = Post> {
  private readonly ring: (T | undefined)[];
  private head = 0; // index of the next write
  private count = 0;
  private readonly keys = new Map<string, number>(); // key -> number of copies in ring (0/1)
  /** Incremented on every change; lets renderers skip work when nothing changed. */
  version = 0;

  constructor(readonly capacity: number, private readonly keyOf: (item: T) => string = postKey as unknown as (item: T) => string) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds one item as the newest; returns false when it was a duplicate. */
  push(item: T): boolean {
    const k = this.keyOf(item);
    if (this.keys.has(k)) return false;
    if (this.count === this.capacity) {
      const old = this.ring[this.head];
      if (old !== undefined) this.keys.delete(this.keyOf(old));
    } else {
      this.count += 1;
    }
    this.ring[this.head] = item;
    this.keys.set(k, 1);
    this.head = (this.head + 1) % this.capacity;
    this.version += 1;
    return true;
  }

  /** Adds items given oldest-first; returns how many were new. */
  pushAll(items: Iterable<T>): number {
    let n = 0;
    for (const it of items) if (this.push(it)) n += 1;
    return n;
  }

  /** i-th newest item (0 = newest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.ring[(this.head - 1 - i + this.capacity * 2) % this.capacity];
  }

  /** Newest-first copy. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i) as T);
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.keys.clear();
    this.version += 1;
  }
}
