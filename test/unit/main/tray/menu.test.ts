import { describe, expect, it } from 'vitest';
import type {
  AccountSnapshot,
  AppSnapshot,
  ClusterSnapshot,
} from '../../../../electron/shared/ipc-contract.js';
import { badgeText, renderTrayIcon, toNativeBitmap } from '../../../../electron/main/tray/icon-renderer.js';
import { encodePng } from '../../../../build/png.js';
import {
  TrayController,
  toMenuTemplate,
  trayTitle,
  type MenuLike,
  type TrayLike,
} from '../../../../electron/main/tray/tray-controller.js';
import {
  buildTrayMenu,
  clusterStatusLabel,
  formatTimeLeft,
  nextTickDelayMs,
  trayState,
  type TrayActions,
  type TrayMenuItem,
} from '../../../../electron/main/tray/tray-model.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const MIN = 60_000;

function cluster(name: string, overrides: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    name,
    host: `${name}.postgres.database.azure.com`,
    port: 5432,
    database: 'postgres',
    user: 'ada@contoso.com',
    loginUser: 'ada@contoso.com',
    group: false,
    kind: 'flexible',
    cloud: 'public',
    account: 'acc-1',
    tenant: null,
    status: 'fresh',
    expiresAt: NOW + 42 * MIN,
    lastRefreshAt: NOW - 10 * MIN,
    error: null,
    tls: { sslmode: 'verify-full', rootCert: '/opt/pgentra/assets/tls/azure-public.pem', warning: null },
    hostaddr: null,
    trustHost: false,
    serverName: null,
    ...overrides,
  };
}

const ada: AccountSnapshot = { id: 'acc-1', username: 'ada@contoso.com', tenantId: 't-1', name: 'Ada' };
const bob: AccountSnapshot = { id: 'acc-2', username: 'bob@fabrikam.com', tenantId: 't-2', name: null };

function snapshot(
  clusters: ClusterSnapshot[],
  accounts: AccountSnapshot[] = [ada],
  startAtLogin = false,
): AppSnapshot {
  return {
    clusters,
    accounts,
    settings: {
      refreshMarginSec: 900,
      pgpassEnabled: true,
      pgpassPath: null,
      effectivePgpassPath: '/home/ada/.pgpass',
      clipboardClearSec: 30,
      terminal: [],
      knownTerminals: [],
      pgadminPath: null,
      clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      tenant: 'organizations',
      startAtLogin,
      cloud: 'public',
      clouds: ['public'],
    },
    now: NOW,
    warnings: [],
    configProblems: [],
    forwards: [],
  };
}

class RecordingActions implements TrayActions {
  calls: string[] = [];
  copyToken = (c: string) => void this.calls.push(`copyToken ${c}`);
  openPsql = (c: string) => void this.calls.push(`openPsql ${c}`);
  openPgadmin = (c: string) => void this.calls.push(`openPgadmin ${c}`);
  copyConnectionString = (c: string) => void this.calls.push(`copyConnectionString ${c}`);
  refresh = (c: string | null) => void this.calls.push(`refresh ${String(c)}`);
  signIn = () => void this.calls.push('signIn');
  signOut = (id: string) => void this.calls.push(`signOut ${id}`);
  openWindow = (view: string) => void this.calls.push(`openWindow ${view}`);
  setStartAtLogin = (on: boolean) => void this.calls.push(`setStartAtLogin ${String(on)}`);
  quit = () => void this.calls.push('quit');
}

/** The menu as indented labels, e.g. "prod — 42 min left" then "  Copy token". */
function outline(items: TrayMenuItem[], depth = 0): string[] {
  return items.flatMap((item) => {
    const pad = '  '.repeat(depth);
    if (item.type === 'separator') return [`${pad}---`];
    const flags = `${item.enabled ? '' : ' (disabled)'}${item.type === 'checkbox' ? ` [${item.checked ? 'x' : ' '}]` : ''}`;
    return [`${pad}${item.label}${flags}`, ...outline(item.submenu ?? [], depth + 1)];
  });
}

function find(items: TrayMenuItem[], id: string): Extract<TrayMenuItem, { id: string }> {
  for (const item of items) {
    if (item.type === 'separator') continue;
    if (item.id === id) return item;
    if (item.submenu) {
      try {
        return find(item.submenu, id);
      } catch {
        // keep looking
      }
    }
  }
  throw new Error(`no menu item ${id}`);
}

describe('formatTimeLeft and cluster labels', () => {
  it('formats minutes, hours and expiry', () => {
    expect(formatTimeLeft(42 * MIN + 59_000)).toBe('42 min left');
    expect(formatTimeLeft(65 * MIN)).toBe('1 h 05 min left');
    expect(formatTimeLeft(30_000)).toBe('under 1 min left');
    expect(formatTimeLeft(0)).toBe('expired');
    expect(formatTimeLeft(-5)).toBe('expired');
  });

  it('describes each status', () => {
    const label = (overrides: Partial<ClusterSnapshot>) => clusterStatusLabel(cluster('p', overrides), NOW);
    expect(label({})).toBe('42 min left');
    expect(label({ status: 'expiring', expiresAt: NOW + 4 * MIN })).toBe('4 min left');
    expect(label({ status: 'refreshing' })).toBe('refreshing · 42 min left');
    expect(label({ status: 'refreshing', expiresAt: null })).toBe('refreshing…');
    expect(label({ status: 'error' })).toBe('refresh failed · 42 min left');
    expect(label({ status: 'error', expiresAt: NOW - 1 })).toBe('refresh failed');
    expect(label({ status: 'needs-sign-in' })).toBe('sign-in needed');
    expect(label({ status: 'no-account', expiresAt: null })).toBe('not signed in');
    expect(label({ status: 'pending', expiresAt: null })).toBe('waiting for a token');
    expect(label({ status: 'expired', expiresAt: NOW - MIN })).toBe('expired');
  });
});

describe('buildTrayMenu', () => {
  it('with no clusters and no account offers to add a cluster and to sign in', () => {
    expect(outline(buildTrayMenu(snapshot([], []), NOW, new RecordingActions()))).toEqual([
      'No clusters yet (disabled)',
      'Add a cluster…',
      '---',
      'Sign in…',
      '---',
      'Open pgentra…',
      'Settings…',
      'Start at login [ ]',
      '---',
      'Quit pgentra',
    ]);
  });

  it('with one cluster shows its time left and a submenu of actions', () => {
    expect(
      outline(buildTrayMenu(snapshot([cluster('prod')], [ada], true), NOW, new RecordingActions())),
    ).toEqual([
      'prod — 42 min left',
      '  Copy token',
      '  Open psql',
      '  Open in pgAdmin',
      '  Copy connection string',
      '  ---',
      '  Refresh now',
      '---',
      'Refresh all',
      '---',
      'ada@contoso.com',
      '  Tenant t-1 (disabled)',
      '  Sign out',
      'Sign in another account…',
      '---',
      'Open pgentra…',
      'Settings…',
      'Start at login [x]',
      '---',
      'Quit pgentra',
    ]);
  });

  it('with several clusters and accounts lists each, and signed-out clusters offer sign-in', () => {
    const menu = buildTrayMenu(
      snapshot(
        [
          cluster('prod'),
          cluster('stage', { status: 'refreshing', expiresAt: NOW + 3 * MIN }),
          cluster('reports', { status: 'no-account', account: null, expiresAt: null }),
          cluster('audit', {
            status: 'error',
            error: {
              kind: 'network',
              message: 'login.microsoftonline.com unreachable',
              advice: '',
              entraCode: null,
              retryAt: null,
            },
          }),
        ],
        [ada, bob],
      ),
      NOW,
      new RecordingActions(),
    );
    const lines = outline(menu);
    expect(lines.filter((line) => !line.startsWith(' '))).toEqual([
      'prod — 42 min left',
      'stage — refreshing · 3 min left',
      'reports — not signed in',
      'audit — refresh failed · 42 min left',
      '---',
      'Refresh all',
      '---',
      'ada@contoso.com',
      'bob@fabrikam.com',
      'Sign in another account…',
      '---',
      'Open pgentra…',
      'Settings…',
      'Start at login [ ]',
      '---',
      'Quit pgentra',
    ]);
    expect(outline(find(menu, 'cluster:reports').submenu ?? [])).toEqual([
      'Sign in…',
      '---',
      'Copy token (disabled)',
      'Open psql (disabled)',
      'Open in pgAdmin',
      'Copy connection string',
      '---',
      'Refresh now (disabled)',
    ]);
    expect(outline(find(menu, 'cluster:audit').submenu ?? [])[0]).toBe(
      'login.microsoftonline.com unreachable (disabled)',
    );
    expect(find(menu, 'cluster:stage:refresh').enabled).toBe(false);
  });

  it('wires every item to its action', () => {
    const actions = new RecordingActions();
    const menu = buildTrayMenu(snapshot([cluster('prod')], [ada, bob], true), NOW, actions);
    for (const id of [
      'cluster:prod:copy-token',
      'cluster:prod:open-psql',
      'cluster:prod:open-pgadmin',
      'cluster:prod:copy-connection-string',
      'cluster:prod:refresh',
      'refresh-all',
      'account:acc-2:sign-out',
      'accounts:sign-in',
      'window:open',
      'window:settings',
      'start-at-login',
      'quit',
    ])
      find(menu, id).click?.();
    expect(actions.calls).toEqual([
      'copyToken prod',
      'openPsql prod',
      'openPgadmin prod',
      'copyConnectionString prod',
      'refresh prod',
      'refresh null',
      'signOut acc-2',
      'signIn',
      'openWindow clusters',
      'openWindow settings',
      'setStartAtLogin false',
      'quit',
    ]);
  });

  it('shows open forwards, what they may fetch and what they fetched, only while one is open', () => {
    const base = snapshot([cluster('prod')]);
    expect(outline(buildTrayMenu(base, NOW, new RecordingActions()))).not.toContain('Forwards (disabled)');
    const withForward: AppSnapshot = {
      ...base,
      forwards: [
        {
          id: 'f1',
          label: 'jump1',
          openedAt: NOW - 5 * MIN,
          clusters: ['prod', 'dev'],
          fetched: [{ cluster: 'prod', count: 3, lastAt: NOW - MIN }],
          refused: 1,
          rateLimited: 0,
          failed: 0,
          recent: [],
        },
      ],
    };
    const lines = outline(buildTrayMenu(withForward, NOW, new RecordingActions()));
    const start = lines.indexOf('Forwards (disabled)');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start, start + 5)).toEqual([
      'Forwards (disabled)',
      'jump1 — 3 tokens, 1 refused',
      `  Open since ${new Date(NOW - 5 * MIN).toTimeString().slice(0, 5)} (disabled)`,
      '  Allowed: prod, dev (disabled)',
      `  prod: 3 tokens, last ${new Date(NOW - MIN).toTimeString().slice(0, 5)} (disabled)`,
    ]);
    expect(lines).toContain('  Refused: 1 (disabled)');
  });

  it('keeps ids unique', () => {
    const menu = buildTrayMenu(
      snapshot([cluster('a'), cluster('b')], [ada, bob]),
      NOW,
      new RecordingActions(),
    );
    const ids: string[] = [];
    const walk = (items: TrayMenuItem[]) =>
      items.forEach((item) => {
        if (item.type === 'separator') return;
        ids.push(item.id);
        walk(item.submenu ?? []);
      });
    walk(menu);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('becomes an Electron template with escaped mnemonics off macOS', () => {
    const items: TrayMenuItem[] = [
      { type: 'normal', id: 'a', label: 'R&D cluster', enabled: true },
      { type: 'separator' },
      { type: 'checkbox', id: 'c', label: 'Start at login', enabled: true, checked: true },
    ];
    expect(toMenuTemplate(items, 'linux')).toEqual([
      { id: 'a', label: 'R&&D cluster', enabled: true },
      { type: 'separator' },
      { id: 'c', label: 'Start at login', enabled: true, type: 'checkbox', checked: true },
    ]);
    expect(toMenuTemplate(items, 'darwin')[0]).toMatchObject({ label: 'R&D cluster' });
  });
});

describe('trayState', () => {
  it('is idle without clusters', () => {
    expect(trayState(snapshot([]), NOW)).toEqual({
      minutesLeft: null,
      level: 'idle',
      tooltip: 'pgentra: no clusters yet',
    });
  });

  it('is fresh with the minutes of the soonest token', () => {
    expect(trayState(snapshot([cluster('prod')]), NOW)).toEqual({
      minutesLeft: 42,
      level: 'fresh',
      tooltip: 'pgentra: prod: 42 min left',
    });
    const several = snapshot([
      cluster('a', { expiresAt: NOW + 70 * MIN }),
      cluster('b', { expiresAt: NOW + 12 * MIN + 5_000 }),
    ]);
    expect(trayState(several, NOW)).toEqual({
      minutesLeft: 12,
      level: 'fresh',
      tooltip: 'pgentra: 2 clusters · soonest b: 12 min left',
    });
  });

  it('turns expiring when the core says so or under five minutes', () => {
    expect(
      trayState(snapshot([cluster('a', { status: 'expiring', expiresAt: NOW + 9 * MIN })]), NOW).level,
    ).toBe('expiring');
    expect(trayState(snapshot([cluster('a', { expiresAt: NOW + 4 * MIN })]), NOW).level).toBe('expiring');
  });

  it('shows refreshing, then error, then sign-in needed, the most urgent winning', () => {
    const refreshing = cluster('r', { status: 'refreshing' });
    const failed = cluster('e', {
      status: 'error',
      expiresAt: NOW + 20 * MIN,
      error: { kind: 'network', message: 'network unreachable', advice: '', entraCode: null, retryAt: null },
    });
    const signedOut = cluster('s', { status: 'needs-sign-in', expiresAt: null });
    expect(trayState(snapshot([cluster('f'), refreshing]), NOW)).toMatchObject({ level: 'refreshing' });
    expect(trayState(snapshot([cluster('f'), refreshing, failed]), NOW)).toEqual({
      minutesLeft: 20,
      level: 'error',
      tooltip: 'pgentra: e: network unreachable (20 min left)',
    });
    expect(trayState(snapshot([refreshing, failed, signedOut]), NOW)).toEqual({
      minutesLeft: 20,
      level: 'needs-sign-in',
      tooltip: 'pgentra: sign-in needed for s',
    });
    expect(trayState(snapshot([cluster('x', { status: 'no-account', expiresAt: null })], []), NOW)).toEqual({
      minutesLeft: null,
      level: 'needs-sign-in',
      tooltip: 'pgentra: not signed in',
    });
  });

  it('keeps the tooltip to one line of at most 127 characters', () => {
    const failed = cluster('e', {
      status: 'error',
      error: {
        kind: 'x',
        message: `line one\nline two ${'x'.repeat(300)}`,
        advice: '',
        entraCode: null,
        retryAt: null,
      },
    });
    const { tooltip } = trayState(snapshot([failed]), NOW);
    expect(tooltip).not.toContain('\n');
    expect(tooltip.length).toBeLessThanOrEqual(127);
  });

  it('marks every state but fresh in the macOS title, whose icon has no colour', () => {
    expect(trayTitle({ level: 'needs-sign-in', minutesLeft: 3, tooltip: '' })).toBe('⚠ sign in');
    expect(trayTitle({ level: 'fresh', minutesLeft: 42, tooltip: '' })).toBe('42m');
    expect(trayTitle({ level: 'refreshing', minutesLeft: 42, tooltip: '' })).toBe('↻ 42m');
    expect(trayTitle({ level: 'expiring', minutesLeft: 4, tooltip: '' })).toBe('◔ 4m');
    expect(trayTitle({ level: 'error', minutesLeft: 12, tooltip: '' })).toBe('⚠ 12m');
    expect(trayTitle({ level: 'error', minutesLeft: null, tooltip: '' })).toBe('⚠');
    expect(trayTitle({ level: 'idle', minutesLeft: null, tooltip: '' })).toBe('');
  });
});

describe('renderTrayIcon', () => {
  const pixels = (
    level: Parameters<typeof renderTrayIcon>[0]['level'],
    minutesLeft: number | null,
    size = 16,
    scale = 1,
  ) => renderTrayIcon({ level, minutesLeft, size, scale });

  it('is size × scale pixels of RGBA', () => {
    for (const [size, scale, side] of [
      [16, 1, 16],
      [16, 2, 32],
      [22, 1, 22],
      [16, 1.25, 20],
    ] as const) {
      const image = pixels('fresh', 42, size, scale);
      expect([image.width, image.height, image.data.length]).toEqual([side, side, side * side * 4]);
    }
  });

  it('draws different pixels for different minutes and levels', () => {
    const base = pixels('fresh', 42).data;
    expect(pixels('fresh', 41).data.equals(base)).toBe(false);
    expect(pixels('expiring', 42).data.equals(base)).toBe(false);
    expect(pixels('fresh', 42).data.equals(base)).toBe(true);
    const all = ['fresh', 'refreshing', 'expiring', 'needs-sign-in', 'error', 'idle'] as const;
    const distinct = new Set(all.map((level) => pixels(level, 7).data.toString('base64')));
    expect(distinct.size).toBe(all.length);
  });

  it('is transparent in the corners and opaque white where the digits are', () => {
    const image = pixels('fresh', 88, 16, 2);
    expect(image.data[3]).toBe(0); // top-left corner: outside the rounded badge
    const whites = [];
    for (let at = 0; at < image.data.length; at += 4)
      if (image.data[at] === 255 && image.data[at + 1] === 255 && image.data[at + 2] === 255) whites.push(at);
    expect(whites.length).toBeGreaterThan(40);
  });

  it('writes up to three characters: minutes, hours past 99 minutes, "!" for sign-in', () => {
    expect(badgeText('fresh', 7)).toBe('7');
    expect(badgeText('fresh', 99)).toBe('99');
    expect(badgeText('fresh', 150)).toBe('2h');
    expect(badgeText('fresh', 60 * 500)).toBe('99h');
    expect(badgeText('needs-sign-in', 40)).toBe('!');
    expect(badgeText('error', null)).toBe('x');
    expect(badgeText('idle', null)).toBe('-');
  });

  it('converts to premultiplied BGRA for nativeImage.createFromBitmap', () => {
    const image = { width: 1, height: 2, data: Buffer.from([200, 100, 50, 255, 200, 100, 50, 128]) };
    expect([...toNativeBitmap(image)]).toEqual([50, 100, 200, 255, 25, 50, 100, 128]);
  });

  it('encodes as a PNG', () => {
    const png = encodePng(pixels('fresh', 42));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(16); // IHDR width
  });
});

class FakeTray implements TrayLike {
  images: unknown[] = [];
  titles: string[] = [];
  tooltips: string[] = [];
  /** Menus given to setContextMenu. */
  menus: FakeMenu[] = [];
  /** Menus given to popUpContextMenu. */
  popUps: FakeMenu[] = [];
  clicks: (() => void)[] = [];
  rightClicks: (() => void)[] = [];
  destroyed = false;
  setImage = (image: unknown) => void this.images.push(image);
  setToolTip = (text: string) => void this.tooltips.push(text);
  setTitle = (title: string) => void this.titles.push(title);
  setContextMenu = (menu: unknown) => void this.menus.push(menu as FakeMenu);
  popUpContextMenu = (menu: unknown) => void this.popUps.push(menu as FakeMenu);
  on = (event: 'click' | 'right-click', listener: () => void) =>
    (event === 'click' ? this.clicks : this.rightClicks).push(listener);
  destroy = () => void (this.destroyed = true);
}

/** The labels of a built template, top level only. */
function labels(menu: FakeMenu | undefined): string[] {
  return (menu?.template ?? []).map((item) => (item as { label?: string }).label ?? '---');
}

class FakeMenu implements MenuLike {
  listeners = new Map<string, () => void>();
  constructor(readonly template: unknown[]) {}
  on(event: 'menu-will-show' | 'menu-will-close', listener: () => void) {
    this.listeners.set(event, listener);
    return this;
  }
}

function controller(platform: NodeJS.Platform = 'linux') {
  const clock = new FakeClock(NOW);
  const tray = new FakeTray();
  const actions = new RecordingActions();
  const icons: string[] = [];
  const control = new TrayController({
    platform,
    clock,
    actions,
    iconFor: (state) => {
      const key = `${state.level}:${String(state.minutesLeft)}`;
      icons.push(key);
      return key;
    },
    createTray: () => tray,
    buildMenu: (template) => new FakeMenu(template),
  });
  return { clock, tray, actions, icons, control };
}

describe('TrayController', () => {
  it('rebuilds the menu and icon on a snapshot, then once a minute, with one timer at most', async () => {
    const { clock, tray, icons, control } = controller();
    control.update(snapshot([cluster('prod', { expiresAt: NOW + 42 * MIN + 30_000 })]));
    expect(icons.at(-1)).toBe('fresh:42');
    expect(tray.tooltips.at(-1)).toBe('pgentra: prod: 42 min left');
    expect(clock.pendingTimers).toBe(1);

    const menusBefore = tray.menus.length;
    await clock.advance(30_000);
    expect(icons.at(-1)).toBe('fresh:42');
    await clock.advance(1); // just past the minute boundary of the token, not a per-second tick
    expect(icons.at(-1)).toBe('fresh:41');
    expect(tray.menus.length).toBe(menusBefore + 1);
    await clock.advance(59_999);
    expect(icons.at(-1)).toBe('fresh:41');
    await clock.advance(1);
    expect(icons.at(-1)).toBe('fresh:40');
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires no more than about once a minute over an hour', async () => {
    const { clock, tray, control } = controller();
    control.update(snapshot([cluster('prod', { expiresAt: NOW + 90 * MIN })]));
    const before = tray.menus.length;
    await clock.advance(60 * MIN);
    expect(tray.menus.length - before).toBeLessThanOrEqual(61);
    expect(tray.menus.length - before).toBeGreaterThanOrEqual(59);
  });

  it('schedules nothing while nothing counts down', () => {
    const { clock, control } = controller();
    control.update(snapshot([]));
    expect(clock.pendingTimers).toBe(0);
    expect(nextTickDelayMs(snapshot([cluster('x', { expiresAt: null, status: 'pending' })]), NOW)).toBeNull();
  });

  it('defers updates while the menu is open and catches up when it closes', async () => {
    const { clock, tray, icons, control } = controller();
    control.update(snapshot([cluster('prod')]));
    const menu = tray.menus.at(-1) as FakeMenu;
    menu.listeners.get('menu-will-show')?.();
    expect(clock.pendingTimers).toBe(0);
    control.update(snapshot([cluster('prod', { status: 'needs-sign-in' })]));
    expect(control.isDirty).toBe(true);
    await clock.advance(5 * MIN);
    expect(icons.at(-1)).toBe('fresh:42');
    const menusBefore = tray.menus.length;
    menu.listeners.get('menu-will-close')?.();
    // Not from inside the menu event: replacing the menu there frees what the event runs on.
    expect(tray.menus.length).toBe(menusBefore);
    await clock.advance(0);
    expect(icons.at(-1)).toBe('needs-sign-in:37');
    expect(tray.menus.length).toBe(menusBefore + 1);
    expect(control.isDirty).toBe(false);
  });

  it('sets the minutes as the tray title on macOS and does not redraw the template icon', async () => {
    const { clock, tray, icons, control } = controller('darwin');
    control.update(snapshot([cluster('prod', { expiresAt: NOW + 42 * MIN + 1 })]));
    expect(tray.titles.at(-1)).toBe('42m');
    const drawn = icons.length;
    await clock.advance(2 * MIN);
    expect(tray.titles.at(-1)).toBe('40m');
    expect(icons.length).toBe(drawn);
  });

  it('opens the window on a left click off macOS and stops its timer when disposed', () => {
    const { clock, tray, actions, control } = controller('win32');
    tray.clicks[0]?.();
    expect(actions.calls).toEqual(['openWindow clusters']);
    control.update(snapshot([cluster('prod')]));
    control.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(tray.destroyed).toBe(true);
  });

  // Electron shell/browser/ui/cocoa/electron_menu_controller.mm, menuDidClose: a menu set with
  // setContextMenu emits menu-will-close when a submenu closes (`menu.supermenu == menu_`, no popup
  // callback) while the root is still shown; tray_icon_cocoa.mm, SetContextMenu, then resets the
  // controller those visible items target, so the user's click does nothing.
  it('on macOS builds a fresh menu per click and pops it up, never setContextMenu', async () => {
    const { clock, tray, actions, control } = controller('darwin');
    control.update(snapshot([cluster('prod', { expiresAt: NOW + 42 * MIN + 1 })]));
    expect(tray.menus).toHaveLength(0);
    tray.clicks[0]?.();
    const first = tray.popUps.at(-1);
    expect(labels(first)[0]).toBe('prod — 42 min left');
    // Whatever menu events arrive, nothing replaces the menu on screen.
    first?.listeners.get('menu-will-show')?.();
    first?.listeners.get('menu-will-close')?.();
    await clock.advance(2 * MIN);
    expect(tray.menus).toHaveLength(0);
    expect(tray.popUps).toHaveLength(1);
    tray.rightClicks[0]?.();
    expect(tray.popUps).toHaveLength(2);
    expect(labels(tray.popUps.at(-1))[0]).toBe('prod — 40 min left');
    expect(tray.popUps.at(-1)).not.toBe(first);
    expect(actions.calls).toEqual([]);
  });

  // Windows: shell/browser/ui/win/notify_icon.cc, NotifyIcon::PopUpContextMenu runs the menu passed
  // in (`menu_model != nullptr ? menu_model : menu_model_`), so no menu need be set; a left click opens the window as Windows users expect, the right button the menu.
  it('on Windows opens the window on a left click and pops up a fresh menu on a right click', () => {
    const { tray, actions, control } = controller('win32');
    control.update(snapshot([cluster('prod')]));
    tray.clicks[0]?.();
    expect(actions.calls).toEqual(['openWindow clusters']);
    tray.rightClicks[0]?.();
    expect(labels(tray.popUps.at(-1))).toContain('Quit pgentra');
    expect(tray.menus).toHaveLength(0);
  });

  it('before the first snapshot offers a starting menu with Quit, on every platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const { tray, actions } = controller(platform);
      if (platform === 'linux') {
        expect(labels(tray.menus.at(-1))).toEqual(['pgentra is starting…', '---', 'Quit pgentra']);
        continue;
      }
      tray.rightClicks[0]?.();
      const menu = tray.popUps.at(-1);
      expect(labels(menu)).toEqual(['pgentra is starting…', '---', 'Quit pgentra']);
      (menu?.template.at(-1) as { click?: () => void }).click?.();
      expect(actions.calls).toEqual(['quit']);
    }
  });

  it('pops nothing up once disposed', () => {
    const { tray, control } = controller('darwin');
    control.dispose();
    tray.clicks[0]?.();
    expect(tray.popUps).toHaveLength(0);
  });
});
