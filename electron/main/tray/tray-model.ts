// What the tray shows, computed from a snapshot and the time: the menu as plain descriptors, the
// icon's level and minutes, the tooltip, and when the next minute changes. Pure: the controller
// (tray-controller.ts) is the only code that hands these to Electron.
import type { AppSnapshot, ClusterSnapshot, WindowView } from '../../shared/ipc-contract.js';
import type { ForwardSnapshot } from '../../shared/forwards.js';
import { EXPIRING_MINUTES, formatMinutes } from '../../shared/time-left.js';
import { STATUS_LABELS, type StatusLevel } from '../../shared/token-status.js';

/** The levels, names and colours are the window's too: electron/shared/token-status.ts. */
export type TrayLevel = StatusLevel;

export interface TrayState {
  /** Whole minutes left on the soonest-expiring token in use (rounded down); null when none is valid. */
  minutesLeft: number | null;
  level: TrayLevel;
  /** One line; Windows cuts tray tooltips at 127 characters, so it never is longer. */
  tooltip: string;
}

/** What the menu's items do; compose.ts runs each as one of the services' typed actions. */
export interface TrayActions {
  copyToken(cluster: string): void;
  openPsql(cluster: string): void;
  openPgadmin(cluster: string): void;
  copyConnectionString(cluster: string): void;
  /** null refreshes every token. */
  refresh(cluster: string | null): void;
  signIn(): void;
  signOut(accountId: string): void;
  openWindow(view: WindowView): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export type TrayMenuItem =
  | { type: 'separator' }
  | {
      type: 'normal' | 'checkbox' | 'submenu';
      /** Stable and unique within the menu, for tests and for Electron's `id`. */
      id: string;
      label: string;
      enabled: boolean;
      checked?: boolean;
      submenu?: TrayMenuItem[];
      click?: () => void;
    };

const MINUTE_MS = 60_000;
const TOOLTIP_MAX = 127;

/** "42 min left", "1 h 05 min left", "under 1 min left", "expired". */
export function formatTimeLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / MINUTE_MS);
  if (minutes < 1) return 'under 1 min left';
  return `${formatMinutes(minutes)} left`;
}

function msLeft(cluster: ClusterSnapshot, now: number): number | null {
  return cluster.expiresAt === null ? null : cluster.expiresAt - now;
}

/** The part after the cluster name in its menu entry. */
export function clusterStatusLabel(cluster: ClusterSnapshot, now: number): string {
  const left = msLeft(cluster, now);
  const valid = left !== null && left > 0;
  switch (cluster.status) {
    case 'no-account':
    case 'needs-sign-in':
    case 'expired':
      return STATUS_LABELS[cluster.status];
    case 'refreshing':
      return valid ? `refreshing · ${formatTimeLeft(left)}` : STATUS_LABELS.refreshing;
    case 'error':
      return valid ? `${STATUS_LABELS.error} · ${formatTimeLeft(left)}` : STATUS_LABELS.error;
    case 'pending':
      return valid ? formatTimeLeft(left) : STATUS_LABELS.pending;
    case 'fresh':
    case 'expiring':
      return left === null ? STATUS_LABELS.pending : formatTimeLeft(left);
  }
}

function soonest(snapshot: AppSnapshot, now: number): { cluster: ClusterSnapshot; ms: number } | null {
  let best: { cluster: ClusterSnapshot; ms: number } | null = null;
  for (const cluster of snapshot.clusters) {
    const left = msLeft(cluster, now);
    if (left !== null && left > 0 && (best === null || left < best.ms)) best = { cluster, ms: left };
  }
  return best;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= TOOLTIP_MAX ? flat : `${flat.slice(0, TOOLTIP_MAX - 1)}…`;
}

function names(clusters: ClusterSnapshot[]): string {
  const shown = clusters.slice(0, 3).map((c) => c.name);
  return clusters.length > 3 ? `${shown.join(', ')} and ${clusters.length - 3} more` : shown.join(', ');
}

/** The icon's level and minutes, and the tooltip. The most urgent state wins. */
export function trayState(snapshot: AppSnapshot, now: number): TrayState {
  const next = soonest(snapshot, now);
  const minutesLeft = next === null ? null : Math.floor(next.ms / MINUTE_MS);
  const { clusters } = snapshot;
  const having = (...statuses: ClusterSnapshot['status'][]) =>
    clusters.filter((c) => statuses.includes(c.status));

  if (clusters.length === 0) return { minutesLeft: null, level: 'idle', tooltip: 'pgentra: no clusters yet' };

  const signIn = having('needs-sign-in', 'no-account');
  if (signIn.length > 0) {
    const tooltip =
      snapshot.accounts.length === 0
        ? 'pgentra: not signed in'
        : `pgentra: sign-in needed for ${names(signIn)}`;
    return { minutesLeft, level: 'needs-sign-in', tooltip: oneLine(tooltip) };
  }

  const failed = having('error', 'expired');
  if (failed.length > 0) {
    const first = failed[0] as ClusterSnapshot;
    const left = msLeft(first, now);
    const reason = first.error?.message ?? (first.status === 'expired' ? 'token expired' : 'refresh failed');
    const tail = left !== null && left > 0 ? ` (${formatTimeLeft(left)})` : '';
    return { minutesLeft, level: 'error', tooltip: oneLine(`pgentra: ${first.name}: ${reason}${tail}`) };
  }

  if (having('refreshing').length > 0)
    return { minutesLeft, level: 'refreshing', tooltip: 'pgentra: refreshing tokens…' };

  if (next === null) return { minutesLeft, level: 'idle', tooltip: 'pgentra: waiting for tokens' };

  const level: TrayLevel =
    having('expiring').length > 0 || (minutesLeft !== null && minutesLeft < EXPIRING_MINUTES)
      ? 'expiring'
      : 'fresh';
  const tooltip =
    clusters.length === 1
      ? `pgentra: ${next.cluster.name}: ${formatTimeLeft(next.ms)}`
      : `pgentra: ${clusters.length} clusters · soonest ${next.cluster.name}: ${formatTimeLeft(next.ms)}`;
  return { minutesLeft, level, tooltip: oneLine(tooltip) };
}

/**
 * Milliseconds until the minutes shown for the soonest token change (at most one minute), or
 * null when nothing counts down: then no timer is needed at all, snapshots drive every change.
 */
export function nextTickDelayMs(snapshot: AppSnapshot, now: number): number | null {
  const next = soonest(snapshot, now);
  if (next === null) return null;
  // floor(ms / 1 min) drops by one just after `ms` crosses a whole minute.
  return (next.ms % MINUTE_MS) + 1;
}

function clusterItems(cluster: ClusterSnapshot, actions: TrayActions): TrayMenuItem[] {
  const id = (what: string) => `cluster:${cluster.name}:${what}`;
  const signedOut = cluster.status === 'no-account' || cluster.status === 'needs-sign-in';
  const items: TrayMenuItem[] = [];
  if (signedOut) {
    items.push(
      { type: 'normal', id: id('sign-in'), label: 'Sign in…', enabled: true, click: () => actions.signIn() },
      { type: 'separator' },
    );
  } else if (cluster.error) {
    items.push(
      { type: 'normal', id: id('error'), label: cluster.error.message, enabled: false },
      { type: 'separator' },
    );
  }
  items.push(
    {
      type: 'normal',
      id: id('copy-token'),
      label: 'Copy token',
      enabled: !signedOut,
      click: () => actions.copyToken(cluster.name),
    },
    {
      type: 'normal',
      id: id('open-psql'),
      label: 'Open psql',
      enabled: !signedOut,
      click: () => actions.openPsql(cluster.name),
    },
    {
      type: 'normal',
      id: id('open-pgadmin'),
      label: 'Open in pgAdmin',
      enabled: true,
      click: () => actions.openPgadmin(cluster.name),
    },
    {
      type: 'normal',
      id: id('copy-connection-string'),
      label: 'Copy connection string',
      enabled: true,
      click: () => actions.copyConnectionString(cluster.name),
    },
    { type: 'separator' },
    {
      type: 'normal',
      id: id('refresh'),
      label: 'Refresh now',
      enabled: !signedOut && cluster.status !== 'refreshing',
      click: () => actions.refresh(cluster.name),
    },
  );
  return items;
}

/** The menu before the first snapshot (a slow start): nothing to act on yet but Quit. */
export function buildStartingMenu(actions: TrayActions): TrayMenuItem[] {
  return [
    { type: 'normal', id: 'starting', label: 'pgentra is starting…', enabled: false },
    { type: 'separator' },
    { type: 'normal', id: 'quit', label: 'Quit pgentra', enabled: true, click: () => actions.quit() },
  ];
}

/** The whole tray menu, top to bottom. */
export function buildTrayMenu(snapshot: AppSnapshot, now: number, actions: TrayActions): TrayMenuItem[] {
  const menu: TrayMenuItem[] = [];
  if (snapshot.clusters.length === 0) {
    menu.push(
      { type: 'normal', id: 'clusters:none', label: 'No clusters yet', enabled: false },
      {
        type: 'normal',
        id: 'clusters:add',
        label: 'Add a cluster…',
        enabled: true,
        click: () => actions.openWindow('clusters'),
      },
    );
  } else {
    for (const cluster of snapshot.clusters) {
      menu.push({
        type: 'submenu',
        id: `cluster:${cluster.name}`,
        label: `${cluster.name} — ${clusterStatusLabel(cluster, now)}`,
        enabled: true,
        submenu: clusterItems(cluster, actions),
      });
    }
    menu.push(
      { type: 'separator' },
      {
        type: 'normal',
        id: 'refresh-all',
        label: 'Refresh all',
        enabled: true,
        click: () => actions.refresh(null),
      },
    );
  }

  menu.push(...forwardsMenuItems(snapshot.forwards));

  menu.push({ type: 'separator' });
  for (const account of snapshot.accounts) {
    menu.push({
      type: 'submenu',
      id: `account:${account.id}`,
      label: account.username,
      enabled: true,
      submenu: [
        {
          type: 'normal',
          id: `account:${account.id}:tenant`,
          label: `Tenant ${account.tenantId}`,
          enabled: false,
        },
        {
          type: 'normal',
          id: `account:${account.id}:sign-out`,
          label: 'Sign out',
          enabled: true,
          click: () => actions.signOut(account.id),
        },
      ],
    });
  }
  menu.push({
    type: 'normal',
    id: 'accounts:sign-in',
    label: snapshot.accounts.length === 0 ? 'Sign in…' : 'Sign in another account…',
    enabled: true,
    click: () => actions.signIn(),
  });

  const startAtLogin = snapshot.settings.startAtLogin;
  menu.push(
    { type: 'separator' },
    {
      type: 'normal',
      id: 'window:open',
      label: 'Open pgentra…',
      enabled: true,
      click: () => actions.openWindow('clusters'),
    },
    {
      type: 'normal',
      id: 'window:settings',
      label: 'Settings…',
      enabled: true,
      click: () => actions.openWindow('settings'),
    },
    {
      type: 'checkbox',
      id: 'start-at-login',
      label: 'Start at login',
      enabled: true,
      checked: startAtLogin,
      click: () => actions.setStartAtLogin(!startAtLogin),
    },
    { type: 'separator' },
    { type: 'normal', id: 'quit', label: 'Quit pgentra', enabled: true, click: () => actions.quit() },
  );
  return menu;
}

// The "Forwards" section: each connection forwarding pgentra (`pgentra ssh`, WSL), what it may
// fetch and what it fetched. Shown only while one is open; information, nothing to click.
const info = (id: string, label: string): TrayMenuItem => ({ type: 'normal', id, label, enabled: false });

const clock = (at: number) => new Date(at).toTimeString().slice(0, 5);

export function forwardsMenuItems(forwards: readonly ForwardSnapshot[] | undefined): TrayMenuItem[] {
  if (!forwards || forwards.length === 0) return [];
  return [
    { type: 'separator' },
    info('forwards:title', 'Forwards'),
    ...forwards.map((forward): TrayMenuItem => {
      const tokens = forward.fetched.reduce((sum, f) => sum + f.count, 0);
      const id = `forward:${forward.id}`;
      return {
        type: 'submenu',
        id,
        label: `${forward.label} — ${tokens} token${tokens === 1 ? '' : 's'}${forward.refused > 0 ? `, ${forward.refused} refused` : ''}`,
        enabled: true,
        submenu: [
          info(`${id}:since`, `Open since ${clock(forward.openedAt)}`),
          info(`${id}:allowed`, `Allowed: ${forward.clusters.join(', ') || 'none'}`),
          ...forward.fetched.map((f) =>
            info(
              `${id}:fetched:${f.cluster}`,
              `${f.cluster}: ${f.count} token${f.count === 1 ? '' : 's'}, last ${clock(f.lastAt)}`,
            ),
          ),
          ...(forward.refused > 0 ? [info(`${id}:refused`, `Refused: ${forward.refused}`)] : []),
          ...(forward.rateLimited > 0
            ? [info(`${id}:limited`, `Over the rate limit: ${forward.rateLimited}`)]
            : []),
        ],
      };
    }),
  ];
}
