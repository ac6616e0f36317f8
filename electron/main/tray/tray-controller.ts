// Applies the tray model to Electron's Tray and Menu. The icon (and macOS title) is redrawn when a
// snapshot arrives and when the minutes shown change (one timer, at most once a minute, none while
// nothing counts down): no per-second work while nothing is on screen.
//
// The menu, per platform:
// - macOS and Windows: built fresh from the latest snapshot on each click and shown with
//   `tray.popUpContextMenu(menu)`; `setContextMenu` is never called. On macOS a menu set with
//   setContextMenu emits `menu-will-close` when one of its submenus closes while the root menu is
//   still on screen (electron_menu_controller.mm, menuDidClose), and replacing it then releases the
//   controller its visible items still target (tray_icon_cocoa.mm, SetContextMenu), so the click
//   is lost. A menu built per click is never replaced while shown, and always shows fresh times.
// - Linux: the StatusNotifierItem has no click-to-menu of its own we could drive, so the menu is
//   set with `setContextMenu` (and set again to change it: docs/api/tray.md). Never from inside a
//   menu event: a close only schedules the catch-up.
import type { MenuItemConstructorOptions } from 'electron';
import type { Cancel, Clock } from '../../core/ports.js';
import type { AppSnapshot } from '../../shared/ipc-contract.js';
import {
  buildStartingMenu,
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
  popUpContextMenu(menu: unknown): void;
  on(event: 'click' | 'right-click', listener: () => void): unknown;
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

/** Whether the menu is built per click and popped up (macOS, Windows) or set on the icon (Linux). */
export function popsUpMenu(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

export class TrayController {
  readonly #deps: TrayControllerDeps;
  readonly #tray: TrayLike;
  readonly #popsUp: boolean;
  #snapshot: AppSnapshot | undefined;
  #menuOpen = false;
  #dirty = false;
  #tick: Cancel | undefined;
  #catchUp: Cancel | undefined;
  #lastIconKey = '';
  #disposed = false;

  constructor(deps: TrayControllerDeps) {
    this.#deps = deps;
    this.#popsUp = popsUpMenu(deps.platform);
    const initial: TrayState = { level: 'idle', minutesLeft: null, tooltip: 'pgentra: starting…' };
    this.#tray = deps.createTray(deps.iconFor(initial));
    this.#tray.setToolTip(initial.tooltip);
    if (deps.platform === 'darwin') {
      // A menu-bar item: either button shows the menu, as every status item does.
      this.#tray.on('click', () => this.#popUp());
      this.#tray.on('right-click', () => this.#popUp());
    } else {
      // Windows and Linux open the window on a left click; the menu is on the right button.
      this.#tray.on('click', () => deps.actions.openWindow('clusters'));
      if (this.#popsUp) this.#tray.on('right-click', () => this.#popUp());
      else this.#setLinuxMenu();
    }
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
    this.#catchUp?.();
    this.#catchUp = undefined;
    this.#tray.destroy();
  }

  #template(): MenuItemConstructorOptions[] {
    const { clock, platform, actions } = this.#deps;
    const items = this.#snapshot
      ? buildTrayMenu(this.#snapshot, clock.now(), actions)
      : buildStartingMenu(actions);
    return toMenuTemplate(items, platform);
  }

  #popUp(): void {
    if (this.#disposed) return;
    this.#tray.popUpContextMenu(this.#deps.buildMenu(this.#template()));
  }

  #setLinuxMenu(): void {
    const menu = this.#deps.buildMenu(this.#template());
    menu.on('menu-will-show', () => {
      this.#menuOpen = true;
      this.#tick?.();
      this.#tick = undefined;
    });
    menu.on('menu-will-close', () => {
      this.#menuOpen = false;
      // Time moved on while the menu was open even if no snapshot came; redraw once this event
      // has returned, never inside it.
      this.#catchUp?.();
      this.#catchUp = this.#deps.clock.setTimeout(() => {
        this.#catchUp = undefined;
        this.#render();
      }, 0);
    });
    this.#tray.setContextMenu(menu);
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
    const { clock, platform } = this.#deps;
    const now = clock.now();
    const state = trayState(this.#snapshot, now);

    const iconKey = `${state.level}:${platform === 'darwin' ? '' : String(state.minutesLeft)}`;
    if (iconKey !== this.#lastIconKey) {
      this.#tray.setImage(this.#deps.iconFor(state));
      this.#lastIconKey = iconKey;
    }
    if (platform === 'darwin') this.#tray.setTitle(trayTitle(state), { fontType: 'monospacedDigit' });
    this.#tray.setToolTip(state.tooltip);
    if (!this.#popsUp) this.#setLinuxMenu();

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
