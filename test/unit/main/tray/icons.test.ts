// The drawn icons as a person sees them at tray size: the right pixel sizes, a true template
// image for macOS, and minutes that cannot be confused at 16 px.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../../build/png.js';
import {
  LEVEL_COLOURS,
  renderAppIcon,
  renderTemplateIcon,
  renderTrayIcon,
  type RgbaImage,
} from '../../../../electron/main/tray/icon-renderer.js';
import { FONT_4X7, FONT_5X9, layoutText } from '../../../../electron/main/tray/pixel-font.js';
import { STATUS_LEVELS } from '../../../../electron/shared/token-status.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const asset = (name: string) => decodePng(readFileSync(path.join(root, 'assets', name)));
const SIZES = [16, 20, 24, 32];

function pixels(image: RgbaImage): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let at = 0; at < image.data.length; at += 4)
    out.push([
      image.data[at] ?? 0,
      image.data[at + 1] ?? 0,
      image.data[at + 2] ?? 0,
      image.data[at + 3] ?? 0,
    ]);
  return out;
}

/** Only black, with alpha: what macOS needs to tint a template image for any menu bar. */
function expectTemplate(image: RgbaImage): void {
  const colours = pixels(image).filter(([, , , a]) => a > 0);
  expect(colours.length).toBeGreaterThan(image.width * image.height * 0.25);
  expect(colours.every(([r, g, b]) => r === 0 && g === 0 && b === 0)).toBe(true);
}

/** The white pixels of a badge as a string of '#' and '.', one row after another. */
function ink(image: RgbaImage): string {
  return pixels(image)
    .map(([r, g, b, a]) => (r === 255 && g === 255 && b === 255 && a === 255 ? '#' : '.'))
    .join('');
}

describe('the macOS template', () => {
  it('is black + alpha at 1x and 2x, as committed and as drawn', () => {
    for (const [file, side] of [
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32],
    ] as const) {
      const image = asset(file);
      expect([image.width, image.height]).toEqual([side, side]);
      expectTemplate(image);
      expect(image.data.equals(renderTemplateIcon(16, side / 16).data), `${file} is stale`).toBe(true);
    }
    for (const side of SIZES) expectTemplate(renderTemplateIcon(side, 1));
  });

  it('has whole-pixel sides: the cylinder’s vertical edges are fully opaque or empty', () => {
    const image = renderTemplateIcon(16, 1);
    const middleRow = 8;
    const alphas = Array.from({ length: 16 }, (_, x) => image.data[(middleRow * 16 + x) * 4 + 3]);
    expect(alphas.every((a) => a === 0 || a === 255)).toBe(true);
  });
});

describe('the app icon', () => {
  it('is committed at every size the packages use, drawn per size up to 32 px', () => {
    for (const side of [...SIZES, 48, 64, 128, 256, 512]) {
      const image = asset(`icons/${side}x${side}.png`);
      expect([image.width, image.height]).toEqual([side, side]);
      if (side <= 32)
        expect(image.data.equals(renderAppIcon(side).data), `${side}x${side} is stale`).toBe(true);
    }
    const ico = readFileSync(path.join(root, 'assets', 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect([...Array(ico.readUInt16LE(4)).keys()].map((i) => ico[6 + 16 * i] || 256)).toEqual([
      16, 20, 24, 32, 48, 256,
    ]);
  });
});

describe('the tray badge', () => {
  it('is drawn at 16, 20, 24 and 32 px with its digits on whole pixels, inside the badge', () => {
    for (const side of SIZES) {
      for (const minutes of [7, 42, 150]) {
        const image = renderTrayIcon({ level: 'fresh', minutesLeft: minutes, size: side, scale: 1 });
        expect([image.width, image.height]).toEqual([side, side]);
        // Every pixel is badge colour, white or (at the rounded corners only) transparent-ish:
        // no grey anti-aliasing inside the digits.
        const [r, g, b] = LEVEL_COLOURS.fresh;
        const opaque = pixels(image).filter(([, , , a]) => a === 255);
        expect(
          opaque.every(([pr, pg, pb]) => (pr === r && pg === g && pb === b) || pr + pg + pb === 765),
        ).toBe(true);
      }
    }
  });

  it('shows ten different digits at 16 px, each with enough ink to read', () => {
    const drawn = Array.from({ length: 10 }, (_, digit) =>
      ink(renderTrayIcon({ level: 'fresh', minutesLeft: digit, size: 16, scale: 1 })),
    );
    expect(new Set(drawn).size).toBe(10);
    for (const [digit, bitmap] of drawn.entries()) {
      const inked = [...bitmap].filter((cell) => cell === '#').length;
      expect(inked, `digit ${digit}`).toBeGreaterThanOrEqual(9);
    }
    // Any two digits differ in at least two pixels: one stray pixel cannot turn a 3 into an 8.
    for (let a = 0; a < 10; a += 1)
      for (let b = a + 1; b < 10; b += 1) {
        const differ = [...(drawn[a] ?? '')].filter((cell, i) => cell !== drawn[b]?.[i]).length;
        expect(differ, `${a} vs ${b}`).toBeGreaterThanOrEqual(2);
      }
  });

  it('uses the tallest font that fits: 9 px digits for two digits at 16 px, 14 px at 24', () => {
    expect(layoutText('42', 16)).toMatchObject({ font: FONT_5X9, scale: 1 });
    expect(layoutText('12h', 16)).toMatchObject({ font: FONT_4X7, scale: 1 });
    expect(layoutText('42', 24)).toMatchObject({ font: FONT_4X7, scale: 2 });
    expect(layoutText('42', 32)).toMatchObject({ font: FONT_4X7, scale: 3 });
  });

  it('draws every level in its own colour', () => {
    const corners = STATUS_LEVELS.map((level) => {
      const image = renderTrayIcon({ level, minutesLeft: 42, size: 16, scale: 1 });
      return image.data.subarray((8 * 16 + 1) * 4, (8 * 16 + 1) * 4 + 3).toString('hex');
    });
    expect(new Set(corners).size).toBe(STATUS_LEVELS.length);
  });
});
