// Reconnect delays: exponential growth capped at maxMs, with jitter so that many dashboards
// reconnecting after a server restart do not arrive in lock-step.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay that is randomised, 0..1 ("equal jitter" at 0.5). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15000, jitter: 0.5 };

/** Delay before reconnect attempt number `attempt` (0-based); `rand` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, rand: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  const j = Math.min(1, Math.max(0, opts.jitter));
  return Math.round(exp * (1 - j) + rand() * exp * j);
}
