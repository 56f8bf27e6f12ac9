// Validation of alert rules before they are PUT to /api/alerts/rules.
import { type AlertRule, RULE_SCOPES, RULE_TYPES } from '../api/types';

export type RuleErrors = Partial<Record<keyof AlertRule, string>>;

export function newRule(existing: AlertRule[]): AlertRule {
  let n = existing.length + 1;
  const ids = new Set(existing.map((r) => r.id));
  while (ids.has(`rule-${n}`)) n++;
  return { id: `rule-${n}`, type: 'negative_share', threshold: 0.5, window_s: 300, min_posts: 20, cooldown_s: 600, scope: 'all', scope_value: '', enabled: true, webhook_url: '' };
}

/** Returns field -> message for every invalid field (empty object when valid). */
export function validateRule(r: AlertRule, others: AlertRule[]): RuleErrors {
  const e: RuleErrors = {};
  if (!r.id || !/^[A-Za-z0-9._-]{1,64}$/.test(r.id)) e.id = 'Use 1–64 letters, digits, dot, dash or underscore.';
  else if (others.some((o) => o.id === r.id)) e.id = 'Another rule already has this id.';
  if (!RULE_TYPES.includes(r.type)) e.type = 'Unknown rule type.';
  if (!Number.isFinite(r.threshold)) e.threshold = 'Enter a number.';
  else if (r.type === 'negative_share' && (r.threshold <= 0 || r.threshold >= 1)) e.threshold = 'A share is between 0 and 1 (e.g. 0.4 = 40%).';
  else if (r.type === 'sentiment_shift' && (r.threshold <= 0 || r.threshold > 1)) e.threshold = 'A shift is between 0 and 1.';
  else if ((r.type === 'negative_ratio' || r.type === 'volume_spike') && r.threshold <= 0) e.threshold = 'Must be greater than 0.';
  if (!Number.isInteger(r.window_s) || r.window_s < 60 || r.window_s > 7 * 86400) e.window_s = 'Whole seconds, 60 to 604800.';
  if (!Number.isInteger(r.min_posts) || r.min_posts < 1) e.min_posts = 'A whole number, at least 1.';
  if (!Number.isInteger(r.cooldown_s) || r.cooldown_s < 0) e.cooldown_s = 'Whole seconds, 0 or more.';
  if (!RULE_SCOPES.includes(r.scope)) e.scope = 'Unknown scope.';
  else if (r.scope !== 'all' && !(r.scope_value ?? '').trim()) e.scope_value = `Enter the ${r.scope === 'source' ? 'source' : 'video id'} this rule watches.`;
  if (r.webhook_url) {
    let ok = false;
    try {
      const u = new URL(r.webhook_url);
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) e.webhook_url = 'An http(s) URL, or leave empty.';
  }
  return e;
}

/** Normalises a rule for sending: empty optional strings become null, scope_value dropped for 'all'. */
export function cleanRule(r: AlertRule): AlertRule {
  return {
    ...r,
    scope_value: r.scope === 'all' ? null : (r.scope_value ?? '').trim() || null,
    webhook_url: (r.webhook_url ?? '').trim() || null,
  };
}
