// The tray page of the preview host (/tray.html): the tray icon in a macOS-like menu bar or a
// Windows-like taskbar, and its menu drawn from the tray model the host sends (preview-tray.ts),
// as menu / menuitem / menuitemcheckbox roles a person can click or drive by keyboard. A click
// goes back over the preview's WebSocket and runs the real tray action. Bundled for the browser.
import type { TrayView, TrayViewItem } from './preview-tray.js';

const TRAY_EVENT = 'preview:tray';
const TRAY_CLICK_CHANNEL = 'preview:tray-click';

type Look = 'mac' | 'windows';

const stage = document.getElementById('stage') as HTMLElement;
const lookPicker = document.getElementById('look') as HTMLSelectElement;
const params = new URLSearchParams(location.search);
let look: Look = params.get('look') === 'windows' ? 'windows' : 'mac';
lookPicker.value = look;
/** The newest view from the host, and the one on screen (held while the menu is open). */
let latest: TrayView | undefined;
let shown: TrayView | undefined;
let menuOpen = false;

const socket = new WebSocket(`ws://${location.host}/ipc`);
let nextId = 1;
socket.addEventListener('message', (message: MessageEvent<string>) => {
  const data = JSON.parse(message.data) as { event?: string; payload?: unknown };
  if (data.event !== TRAY_EVENT) return;
  latest = data.payload as TrayView;
  // A native menu does not change while it is shown (tray-controller.ts waits for it to close).
  if (!menuOpen) render();
});

function click(id: string): void {
  socket.send(JSON.stringify({ id: nextId++, channel: TRAY_CLICK_CHANNEL, args: [id] }));
  // A native menu closes once an item is chosen.
  menuOpen = false;
  render();
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function items(menu: HTMLElement): HTMLElement[] {
  return [...menu.querySelectorAll<HTMLElement>(':scope > .item')];
}

function closeSubmenus(menu: HTMLElement, except?: HTMLElement): void {
  for (const item of items(menu)) {
    if (item === except || item.getAttribute('aria-haspopup') !== 'menu') continue;
    item.setAttribute('aria-expanded', 'false');
  }
}

function openSubmenu(item: HTMLElement, focusFirst: boolean): void {
  closeSubmenus(item.parentElement as HTMLElement, item);
  item.setAttribute('aria-expanded', 'true');
  if (focusFirst) items(item.querySelector('[role="menu"]') as HTMLElement)[0]?.focus();
}

function renderItem(entry: TrayViewItem): HTMLElement {
  if (entry.type === 'separator') return element('div', { role: 'separator', class: 'separator' });
  const role = entry.type === 'checkbox' ? 'menuitemcheckbox' : 'menuitem';
  const item = element(
    'div',
    {
      class: 'item',
      role,
      tabindex: '-1',
      'data-id': entry.id,
      'aria-disabled': String(!entry.enabled),
    },
    element('span', { class: 'check', 'aria-hidden': 'true' }, entry.checked ? '✓' : ''),
    element('span', { class: 'label' }, entry.label),
  );
  if (entry.type === 'checkbox') item.setAttribute('aria-checked', String(entry.checked ?? false));
  if (entry.submenu) {
    item.setAttribute('aria-haspopup', 'menu');
    item.setAttribute('aria-expanded', 'false');
    item.append(element('span', { class: 'chevron', 'aria-hidden': 'true' }, '›'));
    item.append(renderMenu(entry.submenu, entry.label, true));
    item.addEventListener('mouseenter', () => openSubmenu(item, false));
  } else {
    item.addEventListener('mouseenter', () => closeSubmenus(item.parentElement as HTMLElement));
  }
  item.addEventListener('click', (event) => {
    event.stopPropagation();
    if (!entry.enabled) return;
    if (entry.submenu) openSubmenu(item, false);
    else click(entry.id);
  });
  return item;
}

function renderMenu(entries: TrayViewItem[], label: string, nested: boolean): HTMLElement {
  const menu = element('div', { role: 'menu', 'aria-label': label, class: nested ? 'menu submenu' : 'menu' });
  menu.append(...entries.map(renderItem));
  menu.addEventListener('keydown', (event) => onKey(event, menu, nested));
  return menu;
}

/** The keys a native menu answers: arrows move and open/close submenus, Enter runs, Escape closes. */
function onKey(event: KeyboardEvent, menu: HTMLElement, nested: boolean): void {
  if (event.target instanceof HTMLElement && event.target.parentElement !== menu) return;
  const all = items(menu);
  const enabled = all.filter((item) => item.getAttribute('aria-disabled') !== 'true');
  const at = enabled.indexOf(document.activeElement as HTMLElement);
  const focused = document.activeElement as HTMLElement;
  const handled = () => {
    event.preventDefault();
    event.stopPropagation();
  };
  if (event.key === 'ArrowDown') {
    handled();
    enabled[(at + 1) % enabled.length]?.focus();
  } else if (event.key === 'ArrowUp') {
    handled();
    enabled[(at - 1 + enabled.length) % enabled.length]?.focus();
  } else if (event.key === 'ArrowRight' && focused.getAttribute('aria-haspopup') === 'menu') {
    handled();
    openSubmenu(focused, true);
  } else if ((event.key === 'ArrowLeft' || event.key === 'Escape') && nested) {
    handled();
    const owner = menu.parentElement as HTMLElement;
    owner.setAttribute('aria-expanded', 'false');
    owner.focus();
  } else if (event.key === 'Escape') {
    handled();
    menuOpen = false;
    render();
    document.getElementById('tray-icon')?.focus();
  } else if (event.key === 'Enter' || event.key === ' ') {
    handled();
    focused.click();
    if (focused.getAttribute('aria-haspopup') === 'menu') openSubmenu(focused, true);
  }
}

function trayButton(view: TrayView): HTMLElement {
  const [one, two] = look === 'mac' ? view.icons.mac : view.icons.windows;
  const button = element(
    'button',
    {
      id: 'tray-icon',
      type: 'button',
      class: 'tray-icon',
      'aria-label': view.state.tooltip,
      title: view.state.tooltip,
      'aria-haspopup': 'menu',
      'aria-expanded': String(menuOpen),
    },
    element('img', { src: one, srcset: `${one} 1x, ${two} 2x`, width: '16', height: '16', alt: '' }),
  );
  if (look === 'mac' && view.macTitle)
    button.append(element('span', { class: 'title', 'data-testid': 'tray-title' }, view.macTitle));
  button.addEventListener('click', () => {
    menuOpen = !menuOpen;
    render();
    if (menuOpen) items(document.querySelector('#stage > .menu') as HTMLElement)[0]?.focus();
  });
  return button;
}

function render(): void {
  document.body.dataset.look = look;
  if (!menuOpen || !shown) shown = latest;
  const view = shown;
  if (!view) return;
  stage.dataset.snapshotNow = String(view.snapshotNow);
  stage.dataset.level = view.state.level;
  const bar = element(
    'div',
    { class: 'bar', role: 'toolbar', 'aria-label': look === 'mac' ? 'Menu bar' : 'Taskbar' },
    element('span', { class: 'bar-filler', 'aria-hidden': 'true' }, look === 'mac' ? 'Finder' : ''),
    trayButton(view),
    element('span', { class: 'clock', 'aria-hidden': 'true' }, look === 'mac' ? 'Mon 9:41' : '9:41'),
  );
  stage.replaceChildren(bar);
  if (menuOpen) stage.append(renderMenu(view.menu, 'pgentra', false));
}

lookPicker.addEventListener('change', () => {
  look = lookPicker.value === 'windows' ? 'windows' : 'mac';
  render();
});
// Like a native menu: a click anywhere else closes it.
document.addEventListener('click', (event) => {
  const target = event.target as Element;
  if (!menuOpen || target.closest('.menu') || target.closest('#tray-icon')) return;
  menuOpen = false;
  render();
});
