// Entry point: builds the app context (API client, live service, bus), the shell (header,
// navigation, status, theme, API key) and a history-API router over the pages.
import './styles.css';
import { ApiClient } from './api/client';
import type { Post } from './api/types';
import { Bus, type Ctx, loadApiKey, type Page, type PageFactory, saveApiKey } from './app';
import { LiveService, type LiveMode } from './live/live';
import type { SocketLike } from './live/socket';
import { clear, h, relTime } from './ui/dom';
import { openPostDrawer } from './ui/drawer';
import { currentTheme, setTheme } from './ui/theme';
import { overviewPage } from './pages/overview';
import { postsPage } from './pages/posts';
import { alertsPage } from './pages/alerts';
import { modelsPage } from './pages/models';
import { tryPage } from './pages/tryit';

const ROUTES: { path: string; title: string; page: PageFactory }[] = [
  { path: '/', title: 'Overview', page: overviewPage },
  { path: '/posts', title: 'Posts', page: postsPage },
  { path: '/alerts', title: 'Alerts', page: alertsPage },
  { path: '/models', title: 'Models', page: modelsPage },
  { path: '/try', title: 'Try it', page: tryPage },
];

function wsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = loadApiKey();
  // Browsers cannot set headers on a WebSocket; the key travels as a query parameter.
  return `${proto}//${location.host}/ws/sentiment${key ? `?access_token=${encodeURIComponent(key)}` : ''}`;
}

function boot(): void {
  const app = document.getElementById('app')!;
  clear(app);
  const bus = new Bus();
  const api = new ApiClient({ getApiKey: loadApiKey });

  const live = new LiveService({
    url: wsUrl(),
    factory: (u) => new WebSocket(u) as unknown as SocketLike,
    fetchRecent: async () => (await api.recentPosts(50)).posts ?? [],
    onPoll: () => bus.emit('poll', Date.now()),
    onPosts: (posts) => bus.emit('posts', posts),
    onMetrics: (m) => bus.emit('metrics', m),
    onAlert: (a) => bus.emit('alert', a),
    onMode: (mode, d) => bus.emit('mode', { mode, ...d }),
  });

  // ---- header
  const navLinks = ROUTES.map((r) => h('a', { href: r.path, 'data-route': r.path }, r.title));
  const statusText = h('span', { class: 'status-text' }, 'Connecting…');
  const updated = h('span', { class: 'status-updated' }, '');
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-mode': 'connecting', 'data-testid': 'conn-status' },
    h('span', { class: 'status-dot', 'aria-hidden': 'true' }), statusText, updated);
  const themeBtn = h('button', { type: 'button', class: 'icon', 'aria-label': 'Toggle dark mode', 'aria-pressed': 'false' });
  const paintThemeBtn = () => {
    const dark = currentTheme() === 'dark';
    themeBtn.textContent = dark ? '☀' : '☾';
    themeBtn.setAttribute('aria-pressed', String(dark));
    themeBtn.title = dark ? 'Switch to light theme' : 'Switch to dark theme';
  };
  themeBtn.addEventListener('click', () => {
    setTheme(currentTheme() === 'dark' ? 'light' : 'dark');
    paintThemeBtn();
    bus.emit('theme', currentTheme());
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    paintThemeBtn();
    bus.emit('theme', currentTheme());
  });
  paintThemeBtn();

  const keyInput = h('input', { type: 'password', autocomplete: 'off', placeholder: 'API key (if auth is on)', 'aria-label': 'API key', value: loadApiKey() ?? '' });
  const panel = h('div', { class: 'settings-panel', hidden: true, role: 'dialog', 'aria-label': 'Settings' },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'API key'), keyInput,
      h('span', { class: 'field-hint' }, 'Stored in this browser only and sent as a Bearer token.')),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', onclick: () => { saveApiKey(keyInput.value.trim()); panel.hidden = true; location.reload(); } }, 'Save'),
      h('button', { type: 'button', onclick: () => { keyInput.value = ''; saveApiKey(''); panel.hidden = true; location.reload(); } }, 'Clear')));
  const settingsBtn = h('button', { type: 'button', class: 'icon', 'aria-label': 'Settings', 'aria-expanded': 'false', title: 'Settings' }, '⚙');
  settingsBtn.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    settingsBtn.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) keyInput.focus();
  });
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { panel.hidden = true; settingsBtn.setAttribute('aria-expanded', 'false'); settingsBtn.focus(); }
  });

  const header = h('header', { class: 'topbar' }, h('div', { class: 'topbar-inner' },
    h('a', { class: 'brand', href: '/', 'aria-label': 'Sentio home' }, h('span', { class: 'brand-dot', 'aria-hidden': 'true' }), 'Sentio'),
    h('nav', { class: 'nav', 'aria-label': 'Main' }, navLinks),
    h('div', { class: 'top-actions' }, status, themeBtn, h('div', { class: 'settings' }, settingsBtn, panel))));
  const authBanner = h('div', { class: 'banner', hidden: true, role: 'alert' }, 'This server needs an API key. Open ',
    h('button', { type: 'button', onclick: () => settingsBtn.click() }, 'Settings'), ' and enter it.');
  const main = h('main', { id: 'main', tabindex: '-1' });
  const live_region = h('div', { class: 'sr-only', 'aria-live': 'polite' });
  app.append(header, h('div', { style: { maxWidth: '1500px', margin: '0 auto', padding: '0 16px' } }, authBanner), main, live_region);
  bus.on('auth', () => { authBanner.hidden = false; });

  // ---- status pill
  const modeText: Record<LiveMode, string> = { connecting: 'Connecting…', live: 'Live', polling: 'Polling (reconnecting)', offline: 'Offline', stopped: 'Stopped' };
  bus.on('mode', ({ mode, nextRetryMs }) => {
    status.dataset.mode = mode;
    statusText.textContent = modeText[mode] + (mode !== 'live' && nextRetryMs ? ` · retry in ${Math.ceil(nextRetryMs / 1000)}s` : '');
  });
  setInterval(() => {
    updated.textContent = live.lastUpdate ? `· updated ${relTime(live.lastUpdate)}` : '';
  }, 1000);

  // ---- router
  let infoCache: Promise<import('./api/types').InfoResponse | null> | null = null;
  const ctx: Ctx = {
    api, live, bus,
    navigate: (to, replace = false) => {
      if (to === location.pathname + location.search) return;
      if (replace) history.replaceState(null, '', to);
      else history.pushState(null, '', to);
      route();
    },
    openPost: (p) => openPostDrawer(ctx, p as Post),
    info: () => (infoCache ??= api.info().catch((e) => { infoCache = null; if ((e as { isAuth?: boolean }).isAuth) bus.emit('auth', ''); return null; })),
    announce: (m) => { live_region.textContent = m; },
  };
  let currentPath = '';
  let current: Page | null = null;
  function route(): void {
    const path = ROUTES.some((r) => r.path === location.pathname) ? location.pathname : '/';
    for (const a of navLinks) {
      if (a.dataset.route === path) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (path === currentPath && current) {
      current.onQuery?.();
      return;
    }
    current?.destroy();
    clear(main);
    currentPath = path;
    const r = ROUTES.find((x) => x.path === path)!;
    document.title = `${r.title} — Sentio`;
    current = r.page(ctx, main);
  }
  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[data-route], a.brand');
    if (!a || e.defaultPrevented || (e as MouseEvent).button !== 0 || (e as MouseEvent).metaKey || (e as MouseEvent).ctrlKey || (e as MouseEvent).shiftKey) return;
    e.preventDefault();
    const href = (a as HTMLAnchorElement).getAttribute('href') ?? '/';
    const keepQuery = href === '/' && location.pathname === '/';
    ctx.navigate(href + (keepQuery ? location.search : ''));
    main.focus({ preventScroll: true });
  });
  window.addEventListener('popstate', route);
  route();
  live.start();
}

boot();
