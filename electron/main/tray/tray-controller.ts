// Applies the tray model to Electron's Tray and Menu. Rebuilt when a snapshot arrives and when
// the minutes shown change (one timer, at most once a minute, and none while the menu is open or
// nothing counts down): no per-second work while nothing is on screen.
import type { MenuItemConstructorOptions } from 'electron';
import type { Cancel, Clock } from '../../core/ports.js';
import type { AppSnapshot } from '../../shared/ipc-contract.js';
import {
  buildTrayMenu,
  nextTickDelayMs,
  trayState,
  type TrayActions,
  type TrayMenuItem,
  type TrayState,
} from './tray-model.js';

/** The parts of Electron's Tray we use. */
export interface TrayLike {
  setImage(image: unknown): void;
  setToolTip(toolTip: string): void;
  setTitle(title: string, options?: { fontType?: 'monospaced' | 'monospacedDigit' }): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** The parts of Electron's Menu we use. */
export interface MenuLike {
  on(event: 'menu-will-show' | 'menu-will-close', listener: () => void): unknown;
}

export interface TrayControllerDeps {
  platform: NodeJS.Platform;
  clock: Clock;
  actions: TrayActions;
  /** The icon for a state: a template image on macOS, a drawn badge elsewhere. */
  iconFor(state: TrayState): unknown;
  /** For testing: `new Tray(image)` in the app. */
  createTray(image: unknown): TrayLike;
  /** For testing: `Menu.buildFromTemplate` in the app. */
  buildMenu(template: MenuItemConstructorOptions[]): MenuLike;
}

/** Electron menu labels treat `&` as a mnemonic marker on Windows and Linux. */
function escapeLabel(label: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? label : label.replaceAll('&', '&&');
}

export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const options: MenuItemConstructorOptions = {
      id: item.id,
      label: escapeLabel(item.label, platform),
      enabled: item.enabled,
    };
    if (item.type === 'checkbox') {
      options.type = 'checkbox';
      options.checked = item.checked ?? false;
    }
    if (item.submenu) options.submenu = toMenuTemplate(item.submenu, platform);
    if (item.click) {
      const click = item.click;
      options.click = () => click();
    }
    return options;
  });
}

/**
 * The tray title on macOS, beside the template icon, which cannot carry colour: the minutes, with
 * a mark for every state but fresh, so trouble reads at a glance in a monochrome menu bar.
 */
const TITLE_MARKS: Record<TrayState['level'], string> = {
  fresh: '',
  idle: '',
  refreshing: '↻ ',
  expiring: '◔ ',
  error: '⚠ ',
  'needs-sign-in': '⚠ ',
};

export function trayTitle(state: TrayState): string {
  if (state.level === 'needs-sign-in') return '⚠ sign in';
  const minutes = state.minutesLeft === null ? '' : `${state.minutesLeft}m`;
  return `${TITLE_MARKS[state.level]}${minutes}`.trim();
}

export class TrayController {
  readonly #deps: TrayControllerDeps;
  readonly #tray: TrayLike;
  #snapshot: AppSnapshot | undefined;
  #menuOpen = false;
  #dirty = false;
  #tick: Cancel | undefined;
  #lastIconKey = '';
  #disposed = false;

  constructor(deps: TrayControllerDeps) {
    this.#deps = deps;
    const initial: TrayState = { level: 'idle', minutesLeft: null, tooltip: 'pgentra: starting…' };
    this.#tray = deps.createTray(deps.iconFor(initial));
    this.#tray.setToolTip(initial.tooltip);
    // Windows and Linux open the window on a left click; the menu is on the right button.
    if (deps.platform !== 'darwin') this.#tray.on('click', () => deps.actions.openWindow('clusters'));
  }

  /** A new snapshot: redraw now, or as soon as the menu closes. */
  update(snapshot: AppSnapshot): void {
    this.#snapshot = snapshot;
    this.#render();
  }

  get hasPendingTick(): boolean {
    return this.#tick !== undefined;
  }

  dispose(): void {
    this.#disposed = true;
    this.#tick?.();
    this.#tick = undefined;
    this.#tray.destroy();
  }

  #render(): void {
    if (this.#disposed || !this.#snapshot) return;
    this.#tick?.();
    this.#tick = undefined;
    if (this.#menuOpen) {
      // A native menu cannot change while it is shown; catch up when it closes.
      this.#dirty = true;
      return;
    }
    this.#dirty = false;
    const { clock, platform, actions } = this.#deps;
    const now = clock.now();
    const state = trayState(this.#snapshot, now);

    const iconKey = `${state.level}:${platform === 'darwin' ? '' : String(state.minutesLeft)}`;
    if (iconKey !== this.#lastIconKey) {
      this.#tray.setImage(this.#deps.iconFor(state));
      this.#lastIconKey = iconKey;
    }
    if (platform === 'darwin') this.#tray.setTitle(trayTitle(state), { fontType: 'monospacedDigit' });
    this.#tray.setToolTip(state.tooltip);

    const menu = this.#deps.buildMenu(toMenuTemplate(buildTrayMenu(this.#snapshot, now, actions), platform));
    menu.on('menu-will-show', () => {
      this.#menuOpen = true;
      this.#tick?.();
      this.#tick = undefined;
    });
    menu.on('menu-will-close', () => {
      this.#menuOpen = false;
      // Time moved on while the menu was open even if no snapshot came.
      this.#render();
    });
    this.#tray.setContextMenu(menu);

    const delay = nextTickDelayMs(this.#snapshot, now);
    if (delay !== null) this.#tick = clock.setTimeout(() => this.#onTick(), delay);
  }

  #onTick(): void {
    this.#tick = undefined;
    this.#render();
  }

  /** For testing: whether an update is waiting for the menu to close. */
  get isDirty(): boolean {
    return this.#dirty;
  }
}
