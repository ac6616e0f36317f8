// Regenerates the packaged icons and the tray screenshots: `npx tsx build/generate-icons.ts`.
//   assets/icon.png (1024 px) and assets/icons/NxN.png  app icon, from assets/app.svg
//   assets/trayTemplate.png, trayTemplate@2x.png          macOS menu-bar template, from assets/tray.svg
//   docs/screenshots/tray-*.png                            the drawn Windows/Linux badges per state
// SVGs are rasterised with rsvg-convert (Debian: librsvg2-bin) when it is installed; otherwise the
// app's own icon renderer draws stand-ins, so the script always works. The outputs are committed:
// packaging and CI need neither tool.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  LEVEL_COLOURS,
  renderTemplateIcon,
  renderTrayIcon,
  type RgbaImage,
} from '../electron/main/tray/icon-renderer.js';
import { encodePng, enlarge, strip } from './png.js';
import type { TrayLevel } from '../electron/main/tray/tray-model.js';

const root = path.resolve(import.meta.dirname, '..');
const assets = path.join(root, 'assets');
const screenshots = path.join(root, 'docs', 'screenshots');

const hasRsvg = spawnSync('rsvg-convert', ['--version'], { encoding: 'utf8' }).status === 0;

function write(file: string, png: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, png);
  console.log(`wrote ${path.relative(root, file)} (${png.length} bytes)`);
}

function rasterise(svg: string, size: number): Buffer {
  const result = spawnSync('rsvg-convert', ['-w', String(size), '-h', String(size), path.join(assets, svg)]);
  if (result.status !== 0) throw new Error(`rsvg-convert ${svg}: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Decodes the 8-bit RGBA, non-interlaced PNGs rsvg-convert writes (for compositing screenshots). */
function decodePng(png: Buffer): RgbaImage {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (png[24] !== 8 || png[25] !== 6 || png[28] !== 0) throw new Error('expected 8-bit RGBA, not interlaced');
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    if (type === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(parts));
  const stride = width * 4;
  const data = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x += 1) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= 4 ? (data[y * stride + x - 4] ?? 0) : 0;
      const up = y > 0 ? (data[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= 4 && y > 0 ? (data[(y - 1) * stride + x - 4] ?? 0) : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = Math.floor((left + up) / 2);
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      data[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, data };
}

/** Stand-in app icon without rsvg-convert: the template cylinder, white, on a blue tile. */
function drawnAppIcon(size: number): RgbaImage {
  const tile = renderTrayIcon({ level: 'refreshing', minutesLeft: null, size, scale: 1 });
  const glyph = renderTemplateIcon(size, 1);
  const data = Buffer.from(tile.data);
  // Clear the badge text, then lay the white cylinder over the tile.
  const [r, g, b] = LEVEL_COLOURS.refreshing;
  for (let at = 0; at < data.length; at += 4) {
    if ((data[at + 3] ?? 0) === 0) continue;
    const ink = (glyph.data[at + 3] ?? 0) / 255;
    data[at] = Math.round(255 * ink + r * (1 - ink));
    data[at + 1] = Math.round(255 * ink + g * (1 - ink));
    data[at + 2] = Math.round(255 * ink + b * (1 - ink));
  }
  return { width: size, height: size, data };
}

function appIcon(size: number): Buffer {
  return hasRsvg ? rasterise('app.svg', size) : encodePng(drawnAppIcon(size));
}

function trayTemplate(scale: number): Buffer {
  return hasRsvg ? rasterise('tray.svg', 16 * scale) : encodePng(renderTemplateIcon(16, scale));
}

// App icon: electron-builder turns icon.png into .icns/.ico; Linux takes the NxN set.
write(path.join(assets, 'icon.png'), appIcon(1024));
for (const size of [16, 24, 32, 48, 64, 128, 256, 512])
  write(path.join(assets, 'icons', `${size}x${size}.png`), appIcon(size));

// macOS template (black + alpha), 1x and 2x; nativeImage picks @2x on Retina displays.
write(path.join(assets, 'trayTemplate.png'), trayTemplate(1));
write(path.join(assets, 'trayTemplate@2x.png'), trayTemplate(2));

// Screenshots: every state as the Windows/Linux tray draws it, at 16 pt on a 2x display,
// enlarged 4x so the pixels can be judged; once on a light and once on a dark taskbar.
const states: [TrayLevel, number | null][] = [
  ['fresh', 42],
  ['refreshing', 42],
  ['expiring', 4],
  ['needs-sign-in', null],
  ['error', 12],
  ['error', null],
  ['idle', null],
  ['fresh', 150],
];
const badges = (size: number, scale: number) =>
  states.map(([level, minutesLeft]) => enlarge(renderTrayIcon({ level, minutesLeft, size, scale }), 4));
write(
  path.join(screenshots, 'tray-states-light.png'),
  encodePng(strip(badges(16, 2), 24, [240, 240, 240, 255])),
);
write(path.join(screenshots, 'tray-states-dark.png'), encodePng(strip(badges(16, 2), 24, [32, 32, 32, 255])));
write(
  path.join(screenshots, 'tray-states-16px.png'),
  encodePng(strip(badges(16, 1), 16, [240, 240, 240, 255])),
);

// The macOS template tinted as the menu bar would: black on a light bar, white on a dark one.
const template = decodePng(trayTemplate(2));
const tinted = (value: number): RgbaImage => {
  const data = Buffer.from(template.data);
  for (let at = 0; at < data.length; at += 4) data.fill(value, at, at + 3);
  return enlarge({ ...template, data }, 4);
};
write(
  path.join(screenshots, 'tray-macos-template.png'),
  encodePng(
    strip(
      [
        strip([tinted(0)], 16, [236, 236, 236, 255]),
        strip([tinted(255)], 16, [40, 40, 40, 255]),
        decodePng(readFileSync(path.join(assets, 'icons', '128x128.png'))),
      ],
      16,
      [255, 255, 255, 255],
    ),
  ),
);
console.log(hasRsvg ? 'SVGs rasterised with rsvg-convert.' : 'rsvg-convert not found: drew stand-in icons.');
