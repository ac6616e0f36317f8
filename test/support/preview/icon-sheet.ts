// One page showing every tray icon state as the app draws it (icon-renderer.ts): the Windows/Linux
// badge per level at 16, 20, 24 and 32 px on a light and a dark taskbar (actual size, and 16 px
// enlarged so its pixels can be judged), the macOS template with its title on both menu bars, and
// the small app icons. Served by the preview host at /tray-icons.html and screenshotted for the docs.
import { encodePng } from '../../../build/png.js';
import {
  renderAppIcon,
  renderTemplateIcon,
  renderTrayIcon,
  type RgbaImage,
} from '../../../electron/main/tray/icon-renderer.js';
import { trayTitle } from '../../../electron/main/tray/tray-controller.js';
import type { TrayLevel } from '../../../electron/main/tray/tray-model.js';
import { LEVEL_STYLES } from '../../../electron/shared/token-status.js';

const SIZES = [16, 20, 24, 32];

/** The states a person meets, with the minutes the badge would carry. */
export const SAMPLE_STATES: readonly { level: TrayLevel; minutesLeft: number | null; note: string }[] = [
  { level: 'fresh', minutesLeft: 42, note: '42 min left' },
  { level: 'fresh', minutesLeft: 150, note: 'over 99 min: hours' },
  { level: 'refreshing', minutesLeft: 8, note: 'refreshing, 8 min left' },
  { level: 'expiring', minutesLeft: 4, note: 'under 5 min' },
  { level: 'needs-sign-in', minutesLeft: null, note: 'sign in' },
  { level: 'error', minutesLeft: 12, note: 'refresh failed, token still good' },
  { level: 'error', minutesLeft: null, note: 'refresh failed, no token' },
  { level: 'idle', minutesLeft: null, note: 'no clusters' },
];

const img = (image: RgbaImage, shown = image.width, alt = '') =>
  `<img src="data:image/png;base64,${encodePng(image).toString('base64')}" width="${shown}" height="${shown}" alt="${alt}">`;

function badgeRow(level: TrayLevel, minutesLeft: number | null, note: string): string {
  const at = (size: number) => renderTrayIcon({ level, minutesLeft, size, scale: 1 });
  const actual = SIZES.map((size) => img(at(size))).join('');
  return `<tr>
    <th scope="row"><span class="dot" style="background:${LEVEL_STYLES[level].colour}"></span>${LEVEL_STYLES[level].name}<small>${note}</small></th>
    <td class="light">${actual}</td><td class="dark">${actual}</td>
    <td class="zoom">${img(at(16), 64, `${LEVEL_STYLES[level].name}, ${note}, at 16 px`)}</td>
    <td class="mac light"><span>${img(renderTemplateIcon(16, 2), 16)} ${trayTitle({ level, minutesLeft, tooltip: '' })}</span></td>
    <td class="mac dark"><span>${img(renderTemplateIcon(16, 2), 16)} ${trayTitle({ level, minutesLeft, tooltip: '' })}</span></td>
  </tr>`;
}

export function iconSheetHtml(): string {
  const rows = SAMPLE_STATES.map(({ level, minutesLeft, note }) => badgeRow(level, minutesLeft, note)).join(
    '',
  );
  const apps = [...SIZES.map((size) => img(renderAppIcon(size))), img(renderAppIcon(32), 64)].join(' ');
  const sizes = SIZES.map((size) => `<span class="size">${size}</span>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pgentra tray icon states</title>
<style>
  body { margin: 0; font: 13px system-ui, 'Segoe UI', Ubuntu, sans-serif; background: #fff; color: #1b1f24; }
  main { display: inline-block; padding: 16px; }
  h1 { font-size: 15px; margin: 0 0 10px; }
  table { border-collapse: collapse; }
  th, td { padding: 6px 10px; text-align: left; vertical-align: middle; }
  thead th { font-weight: 600; font-size: 12px; color: #5b6470; }
  th[scope=row] { font-weight: 600; white-space: nowrap; }
  th small { display: block; font-weight: 400; color: #5b6470; margin-left: 18px; }
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 8px; }
  td img { image-rendering: pixelated; vertical-align: middle; margin-right: 10px; }
  .light { background: #f3f3f3; }
  .dark { background: #202020; }
  .mac.light { background: #ececec; color: #000; }
  .mac.dark { background: #282828; color: #fff; }
  .mac.dark img { filter: invert(1); }
  .mac span { font-variant-numeric: tabular-nums; white-space: nowrap; }
  .size { display: inline-block; margin-right: 10px; text-align: center; }
  .size:nth-of-type(1) { width: 16px; } .size:nth-of-type(2) { width: 20px; } .size:nth-of-type(3) { width: 24px; } .size:nth-of-type(4) { width: 32px; }
  .apps { margin-top: 14px; display: flex; align-items: center; gap: 10px; }
  .apps img { image-rendering: pixelated; }
</style></head>
<body><main id="sheet">
<h1>pgentra tray icon states</h1>
<table>
  <thead><tr><th>State</th><th>Windows/Linux taskbar, light<br>${sizes} px</th><th>dark<br>${sizes} px</th><th>16 px, 4×</th><th>macOS menu bar</th><th>dark</th></tr></thead>
  <tbody>${rows}</tbody>
</table>
<div class="apps"><strong>App icon</strong> 16, 20, 24, 32 px, and 32 px at 2× ${apps}</div>
</main></body></html>`;
}
