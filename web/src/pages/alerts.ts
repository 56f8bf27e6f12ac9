// Alerts: history table and the rule editor (add / edit / delete / enable, validated, saved
// with PUT /api/alerts/rules).
import type { Ctx, Page } from '../app';
import { type AlertRule, RULE_SCOPES, RULE_TYPES } from '../api/types';
import { ApiError } from '../api/client';
import { cleanRule, newRule, type RuleErrors, validateRule } from '../state/rules';
import { field, fmtNum, fmtTime, h, select } from '../ui/dom';
import { alertTitle } from './overview';

export function alertsPage(ctx: Ctx, root: HTMLElement): Page {
  let rules: AlertRule[] = [];
  let alive = true;
  const typeFilter = select([['', 'All types'], ...RULE_TYPES.map((t) => [t, t] as [string, string])], '', { 'aria-label': 'Filter alerts by type' });
  const histBody = h('tbody');
  const rulesBody = h('tbody');
  const msg = h('div', { role: 'status', 'aria-live': 'polite', class: 'muted' });
  const editor = h('div', { hidden: true });
  const addBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'add-rule' }, '+ Add rule');

  root.append(h('h1', null, 'Alerts'),
    h('section', { class: 'card', 'aria-labelledby': 'rules-h', style: { marginBottom: '14px' } },
      h('div', { class: 'card-head' }, h('h2', { id: 'rules-h' }, 'Rules'), addBtn),
      h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'rules-table' },
        h('thead', null, h('tr', null, ...['On', 'Id', 'Type', 'Threshold', 'Window', 'Min posts', 'Cooldown', 'Scope', ''].map((t) => h('th', { scope: 'col' }, t)))),
        rulesBody)),
      editor, msg),
    h('section', { class: 'card', 'aria-labelledby': 'hist-h' },
      h('div', { class: 'card-head' }, h('h2', { id: 'hist-h' }, 'History'), typeFilter),
      h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'alerts-table' },
        h('thead', null, h('tr', null, ...['Triggered', 'Type', 'Value', 'Threshold', 'Posts', 'Window'].map((t) => h('th', { scope: 'col' }, t)))),
        histBody))));

  async function loadHistory(): Promise<void> {
    try {
      const r = await ctx.api.alerts({ limit: 200, type: typeFilter.value || undefined });
      if (!alive) return;
      const list = r.alerts ?? [];
      histBody.replaceChildren(...list.map((a) => h('tr', null,
        h('td', null, fmtTime(a.triggered_at)), h('td', null, alertTitle(a)),
        h('td', { class: 'num' }, fmtNum(a.actual_value, 3)), h('td', { class: 'num' }, fmtNum(a.threshold_value, 3)),
        h('td', { class: 'num' }, fmtNum(a.post_count ?? NaN)),
        h('td', null, a.window_start && a.window_end ? `${fmtTime(a.window_start)} – ${fmtTime(a.window_end)}` : ''))));
      if (!list.length) histBody.append(h('tr', null, h('td', { colspan: '6', class: 'muted' }, 'No alerts.')));
    } catch (e) {
      if (e instanceof ApiError && e.isAuth) ctx.bus.emit('auth', e.message);
      histBody.replaceChildren(h('tr', null, h('td', { colspan: '6', class: 'muted' }, `Could not load alerts: ${(e as Error).message}`)));
    }
  }
  typeFilter.addEventListener('change', () => void loadHistory());

  function renderRules(): void {
    rulesBody.replaceChildren(...rules.map((r, i) => {
      const toggle = h('input', { type: 'checkbox', checked: r.enabled, 'aria-label': `Enable rule ${r.id}` });
      toggle.addEventListener('change', () => void save(rules.map((x, j) => (j === i ? { ...x, enabled: toggle.checked } : x)), `Rule ${r.id} ${toggle.checked ? 'enabled' : 'disabled'}.`));
      return h('tr', { 'data-rule-id': r.id },
        h('td', null, toggle), h('td', null, r.id), h('td', null, r.type), h('td', { class: 'num' }, String(r.threshold)),
        h('td', { class: 'num' }, `${r.window_s}s`), h('td', { class: 'num' }, String(r.min_posts)), h('td', { class: 'num' }, `${r.cooldown_s}s`),
        h('td', null, r.scope === 'all' ? 'all' : `${r.scope}=${r.scope_value ?? ''}`),
        h('td', null, h('div', { class: 'toolbar' },
          h('button', { type: 'button', 'aria-label': `Edit rule ${r.id}`, onclick: () => openEditor(i) }, 'Edit'),
          h('button', { type: 'button', class: 'danger', 'aria-label': `Delete rule ${r.id}`, onclick: () => {
            if (confirm(`Delete rule ${r.id}?`)) void save(rules.filter((_, j) => j !== i), `Rule ${r.id} deleted.`);
          } }, 'Delete'))));
    }));
    if (!rules.length) rulesBody.append(h('tr', null, h('td', { colspan: '9', class: 'muted' }, 'No rules yet.')));
  }

  async function loadRules(): Promise<void> {
    try {
      rules = await ctx.api.rules();
      if (alive) renderRules();
    } catch (e) {
      if (e instanceof ApiError && e.isAuth) ctx.bus.emit('auth', e.message);
      msg.textContent = `Could not load rules: ${(e as Error).message}`;
    }
  }

  async function save(next: AlertRule[], okMsg: string): Promise<boolean> {
    try {
      const saved = await ctx.api.putRules(next.map(cleanRule));
      rules = saved.length || next.length === 0 ? saved : next;
      renderRules();
      msg.textContent = okMsg;
      return true;
    } catch (e) {
      msg.textContent = `Could not save rules: ${(e as Error).message}`;
      renderRules();
      return false;
    }
  }

  function openEditor(index: number | null): void {
    const r: AlertRule = index === null ? newRule(rules) : { ...rules[index] };
    const others = rules.filter((_, j) => j !== index);
    const inputs = {
      id: h('input', { type: 'text', value: r.id, name: 'id' }),
      type: select(RULE_TYPES as unknown as string[], r.type, { name: 'type' }),
      threshold: h('input', { type: 'number', step: 'any', value: String(r.threshold), name: 'threshold' }),
      window_s: h('input', { type: 'number', step: '1', min: '60', value: String(r.window_s), name: 'window_s' }),
      min_posts: h('input', { type: 'number', step: '1', min: '1', value: String(r.min_posts), name: 'min_posts' }),
      cooldown_s: h('input', { type: 'number', step: '1', min: '0', value: String(r.cooldown_s), name: 'cooldown_s' }),
      scope: select(RULE_SCOPES as unknown as string[], r.scope, { name: 'scope' }),
      scope_value: h('input', { type: 'text', value: r.scope_value ?? '', name: 'scope_value' }),
      webhook_url: h('input', { type: 'url', value: r.webhook_url ?? '', name: 'webhook_url', placeholder: 'https://…' }),
    };
    const enabled = h('input', { type: 'checkbox', checked: r.enabled, name: 'enabled' });
    const errs: Record<string, HTMLElement> = {};
    const labels: Record<keyof typeof inputs, string> = {
      id: 'Id', type: 'Type', threshold: 'Threshold', window_s: 'Window (s)', min_posts: 'Min posts', cooldown_s: 'Cooldown (s)',
      scope: 'Scope', scope_value: 'Scope value', webhook_url: 'Webhook URL (optional)',
    };
    const fields = (Object.keys(inputs) as (keyof typeof inputs)[]).map((k) => {
      const e = h('span', { class: 'field-error', id: `err-${k}`, 'aria-live': 'polite' });
      errs[k] = e;
      inputs[k].setAttribute('aria-describedby', `err-${k}`);
      const f = field(labels[k], inputs[k]);
      f.append(e);
      return f;
    });
    const read = (): AlertRule => ({
      id: inputs.id.value.trim(), type: inputs.type.value as AlertRule['type'], threshold: inputs.threshold.value === '' ? NaN : Number(inputs.threshold.value),
      window_s: Number(inputs.window_s.value), min_posts: Number(inputs.min_posts.value), cooldown_s: Number(inputs.cooldown_s.value),
      scope: inputs.scope.value as AlertRule['scope'], scope_value: inputs.scope_value.value, enabled: enabled.checked, webhook_url: inputs.webhook_url.value.trim(),
    });
    const show = (e: RuleErrors) => {
      for (const k of Object.keys(inputs) as (keyof typeof inputs)[]) {
        errs[k].textContent = e[k] ?? '';
        if (e[k]) inputs[k].setAttribute('aria-invalid', 'true');
        else inputs[k].removeAttribute('aria-invalid');
      }
    };
    const syncScope = () => { inputs.scope_value.disabled = inputs.scope.value === 'all'; };
    inputs.scope.addEventListener('change', syncScope);
    syncScope();
    const form = h('form', { class: 'card', style: { marginTop: '12px', background: 'var(--surface-2)' }, 'aria-label': index === null ? 'New rule' : `Edit rule ${r.id}`, novalidate: true },
      h('h2', null, index === null ? 'New rule' : `Edit rule ${r.id}`),
      h('div', { class: 'form-grid' }, fields, h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Enabled'), enabled)),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Save rule'),
        h('button', { type: 'button', onclick: () => { editor.hidden = true; editor.replaceChildren(); addBtn.focus(); } }, 'Cancel')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const nr = read();
      const e = validateRule(nr, others);
      show(e);
      const firstBad = (Object.keys(inputs) as (keyof typeof inputs)[]).find((k) => e[k]);
      if (firstBad) { inputs[firstBad].focus(); return; }
      const next = index === null ? [...rules, nr] : rules.map((x, j) => (j === index ? nr : x));
      void save(next, `Rule ${nr.id} saved.`).then((ok) => { if (ok) { editor.hidden = true; editor.replaceChildren(); addBtn.focus(); } });
    });
    editor.replaceChildren(form);
    editor.hidden = false;
    inputs.id.focus();
  }
  addBtn.addEventListener('click', () => openEditor(null));

  const off = ctx.bus.on('alert', () => void loadHistory());
  void loadRules();
  void loadHistory();
  return { destroy() { alive = false; off(); } };
}
