// The tray as the preview host shows it: the real tray model (tray-model.ts) built from the same
// snapshot the window gets, with the real drawn icons and macOS title, turned into plain data for
// the tray page (tray-page.ts) — and clicks on that page run the item's own action, the one
// compose.ts gives the real tray (tray-actions.ts).
import type { AppSnapshot } from '../../../electron/shared/ipc-contract.js';
import type { Clock } from '../../../electron/core/ports.js';
import { renderTemplateIcon, renderTrayIcon } from '../../../electron/main/tray/icon-renderer.js';
import { trayTitle } from '../../../electron/main/tray/tray-controller.js';
import {
  buildTrayMenu,
  nextTickDelayMs,
  trayState,
  type TrayActions,
  type TrayMenuItem,
  type TrayState,
} from '../../../electron/main/tray/tray-model.js';
import { encodePng } from '../../../build/png.js';

/** A menu item without its click handler: what crosses to the page. */
export type TrayViewItem =
  | { type: 'separator' }
  | (Omit<Exclude<TrayMenuItem, { type: 'separator' }>, 'click' | 'submenu'> & { submenu?: TrayViewItem[] });

export interface TrayView {
  /** `now` of the snapshot this was built from: the window's list shows the same snapshot. */
  snapshotNow: number;
  state: TrayState;
  /** What macOS shows beside the template icon. */
  macTitle: string;
  /** PNG data URLs, drawn by the app's own renderer. */
  icons: {
    /** Windows: 16 pt at 100 % and 200 %. */
    windows: [string, string];
    /** Linux panels: 22 pt at 100 % and 200 %. */
    linux: [string, string];
    /** macOS template (black + alpha; the page tints it like the menu bar does). */
    mac: [string, string];
  };
  menu: TrayViewItem[];
}

export const TRAY_EVENT = 'preview:tray';
export const TRAY_CLICK_CHANNEL = 'preview:tray-click';

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

function plain(items: readonly TrayMenuItem[]): TrayViewItem[] {
  return items.map((item) =>
    item.type === 'separator'
      ? { type: 'separator' }
      : {
          type: item.type,
          id: item.id,
          label: item.label,
          enabled: item.enabled,
          ...(item.checked === undefined ? {} : { checked: item.checked }),
          ...(item.submenu ? { submenu: plain(item.submenu) } : {}),
        },
  );
}

function find(items: readonly TrayMenuItem[], id: string): TrayMenuItem | undefined {
  for (const item of items) {
    if (item.type === 'separator') continue;
    if (item.id === id) return item;
    const inner = item.submenu ? find(item.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

export function buildTrayView(
  snapshot: AppSnapshot,
  now: number,
  actions: TrayActions,
): { view: TrayView; menu: TrayMenuItem[] } {
  const state = trayState(snapshot, now);
  const badge = (size: number, scale: number) =>
    dataUrl(encodePng(renderTrayIcon({ level: state.level, minutesLeft: state.minutesLeft, size, scale })));
  const menu = buildTrayMenu(snapshot, now, actions);
  return {
    menu,
    view: {
      snapshotNow: snapshot.now,
      state,
      macTitle: trayTitle(state),
      icons: {
        windows: [badge(16, 1), badge(16, 2)],
        linux: [badge(22, 1), badge(22, 2)],
        mac: [dataUrl(encodePng(renderTemplateIcon(16, 1))), dataUrl(encodePng(renderTemplateIcon(16, 2)))],
      },
      menu: plain(menu),
    },
  };
}

/**
 * Keeps the latest tray view, rebuilt on every snapshot and when the minutes shown change (the
 * real tray's timer), and runs clicks against the menu that view came from.
 */
export class PreviewTray {
  #snapshot: AppSnapshot | undefined;
  #menu: TrayMenuItem[] = [];
  #view: TrayView | undefined;
  #tick: (() => void) | undefined;

  constructor(
    private readonly deps: {
      clock: Clock;
      actions: TrayActions;
      publish(view: TrayView): void;
      log(line: string): void;
    },
  ) {}

  get view(): TrayView | undefined {
    return this.#view;
  }

  update(snapshot: AppSnapshot): void {
    this.#snapshot = snapshot;
    this.#render();
  }

  /** Runs the item's action as the native menu would; false when there is no such enabled item. */
  click(id: string): boolean {
    const item = find(this.#menu, id);
    if (!item || item.type === 'separator' || !item.enabled || !item.click) return false;
    this.deps.log(`tray: ${item.label}`);
    item.click();
    return true;
  }

  dispose(): void {
    this.#tick?.();
    this.#tick = undefined;
  }

  #render(): void {
    this.dispose();
    const snapshot = this.#snapshot;
    if (!snapshot) return;
    const now = this.deps.clock.now();
    const built = buildTrayView(snapshot, now, this.deps.actions);
    this.#menu = built.menu;
    this.#view = built.view;
    this.deps.publish(built.view);
    const delay = nextTickDelayMs(snapshot, now);
    if (delay !== null) this.#tick = this.deps.clock.setTimeout(() => this.#render(), delay);
  }
}
