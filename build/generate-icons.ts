// Regenerates the packaged icons: `npx tsx build/generate-icons.ts`.
//   assets/icons/NxN.png         app icon; 16–32 px drawn per size by icon-renderer.ts (pixel-fitted),
//                                48 px up from assets/app.svg with rsvg-convert when installed
//   assets/icon.png (1024 px)    the app icon electron-builder turns into .icns (macOS)
//   assets/icon.ico              Windows: the drawn small sizes plus 48 and 256, so Explorer and the
//                                taskbar never scale a 1024 px picture down to 16 px
//   assets/trayTemplate.png, @2x macOS menu-bar template (black + alpha), drawn per size
// The tray badges are drawn at run time (compose.ts); their picture for the docs comes from the
// Playwright spec test/e2e/tray-screenshots.web.spec.ts. The outputs are committed: packaging and
// CI need no tool.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAppIcon, renderTemplateIcon } from '../electron/main/tray/icon-renderer.js';
import { encodeIco, encodePng } from './png.js';

const root = path.resolve(import.meta.dirname, '..');
const assets = path.join(root, 'assets');

const APP_SIZES = [16, 20, 24, 32, 48, 64, 128, 256, 512];

const hasRsvg = spawnSync('rsvg-convert', ['--version'], { encoding: 'utf8' }).status === 0;

function write(file: string, bytes: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  console.log(`wrote ${path.relative(root, file)} (${bytes.length} bytes)`);
}

function appIcon(size: number): Buffer {
  if (size <= 32 || !hasRsvg) return encodePng(renderAppIcon(size));
  const result = spawnSync('rsvg-convert', [
    '-w',
    String(size),
    '-h',
    String(size),
    path.join(assets, 'app.svg'),
  ]);
  if (result.status !== 0) throw new Error(`rsvg-convert app.svg: ${result.stderr.toString()}`);
  return result.stdout;
}

const pngs = new Map(APP_SIZES.map((size) => [size, appIcon(size)]));
for (const [size, png] of pngs) write(path.join(assets, 'icons', `${size}x${size}.png`), png);
write(path.join(assets, 'icon.png'), appIcon(1024));
write(
  path.join(assets, 'icon.ico'),
  encodeIco([16, 20, 24, 32, 48, 256].map((size) => ({ size, png: pngs.get(size) ?? appIcon(size) }))),
);

// macOS picks @2x on Retina displays; both are drawn for their own pixel grid.
write(path.join(assets, 'trayTemplate.png'), encodePng(renderTemplateIcon(16, 1)));
write(path.join(assets, 'trayTemplate@2x.png'), encodePng(renderTemplateIcon(16, 2)));
console.log(
  hasRsvg ? 'Large app icons rasterised from app.svg.' : 'rsvg-convert not found: drew every size.',
);
