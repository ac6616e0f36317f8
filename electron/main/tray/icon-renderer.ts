// Draws the Windows/Linux tray icon: a coloured rounded badge with the minutes left in a tiny
// built-in bitmap font (those trays have no text next to the icon, unlike the macOS menu bar).
// Pure: RGBA pixels in, RGBA pixels out, so tests and build/generate-icons.ts use the very same
// code the app draws with.
import { LEVEL_COLOURS as LEVEL_HEX } from '../../shared/token-look.js';
import type { TrayLevel } from './tray-model.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** Straight (not premultiplied) RGBA, row by row, 4 bytes a pixel. */
  data: Buffer;
}

type Rgb = readonly [number, number, number];

const rgbOf = (hex: string): Rgb => {
  const byte = (at: number) => Number.parseInt(hex.slice(at, at + 2), 16);
  return [byte(1), byte(3), byte(5)];
};

/** Badge colours per level: the window's (electron/shared/token-look.ts), as bytes. */
export const LEVEL_COLOURS = Object.fromEntries(
  Object.entries(LEVEL_HEX).map(([level, hex]) => [level, rgbOf(hex)]),
) as Readonly<Record<TrayLevel, Rgb>>;

// 3×5 glyphs; '#' is ink. Only what the badge ever shows.
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  h: ['#..', '#..', '###', '#.#', '#.#'],
  '!': ['.#.', '.#.', '.#.', '...', '.#.'],
  x: ['...', '#.#', '.#.', '#.#', '...'],
  '-': ['...', '...', '###', '...', '...'],
};
const GLYPH_W = 3;
const GLYPH_H = 5;

/** The 1–3 characters on the badge. */
export function badgeText(level: TrayLevel, minutesLeft: number | null): string {
  if (level === 'needs-sign-in') return '!';
  if (minutesLeft === null) return level === 'error' ? 'x' : '-';
  if (minutesLeft < 100) return String(Math.max(0, Math.floor(minutesLeft)));
  return `${Math.min(99, Math.floor(minutesLeft / 60))}h`;
}

export interface TrayIconRequest {
  level: TrayLevel;
  minutesLeft: number | null;
  /** Logical size in points (16 on Windows, 16–24 on Linux panels). */
  size: number;
  /** Device pixels per point (1, 1.25, 2 …). */
  scale: number;
}

/** Coverage (0–1) of a rounded rectangle at pixel (x, y), 4×4 supersampled for smooth corners. */
function roundedRectCoverage(x: number, y: number, side: number, radius: number): number {
  let inside = 0;
  for (let sy = 0; sy < 4; sy += 1) {
    for (let sx = 0; sx < 4; sx += 1) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      const cx = Math.min(Math.max(px, radius), side - radius);
      const cy = Math.min(Math.max(py, radius), side - radius);
      if ((px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2) inside += 1;
    }
  }
  return inside / 16;
}

export function renderTrayIcon(request: TrayIconRequest): RgbaImage {
  const side = Math.max(8, Math.round(request.size * request.scale));
  const data = Buffer.alloc(side * side * 4);
  const [r, g, b] = LEVEL_COLOURS[request.level];
  const radius = side / 4;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const coverage = roundedRectCoverage(x, y, side, radius);
      if (coverage === 0) continue;
      const at = (y * side + x) * 4;
      data[at] = r;
      data[at + 1] = g;
      data[at + 2] = b;
      data[at + 3] = Math.round(coverage * 255);
    }
  }

  const text = badgeText(request.level, request.minutesLeft);
  const units = text.length * GLYPH_W + (text.length - 1);
  // The largest whole-pixel scale that fits with a 1-pixel margin left/right and 2 top/bottom.
  const pixel = Math.max(1, Math.min(Math.floor((side - 2) / units), Math.floor((side - 4) / GLYPH_H)));
  const left = Math.floor((side - units * pixel) / 2);
  const top = Math.floor((side - GLYPH_H * pixel) / 2);
  [...text].forEach((char, index) => {
    const glyph = GLYPHS[char] ?? GLYPHS['-'];
    glyph?.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        const x0 = left + (index * (GLYPH_W + 1) + gx) * pixel;
        const y0 = top + gy * pixel;
        for (let y = y0; y < y0 + pixel; y += 1) {
          for (let x = x0; x < x0 + pixel; x += 1) {
            if (x < 0 || y < 0 || x >= side || y >= side) continue;
            data.fill(255, (y * side + x) * 4, (y * side + x) * 4 + 4);
          }
        }
      });
    });
  });
  return { width: side, height: side, data };
}

/**
 * Skia's native 32-bit layout, which `nativeImage.createFromBitmap` expects: BGRA byte order on
 * the little-endian desktops Electron ships for, with premultiplied alpha (kN32_SkColorType,
 * kPremul_SkAlphaType, as `nativeImage.toBitmap()` returns it).
 */
export function toNativeBitmap(image: RgbaImage): Buffer {
  const out = Buffer.alloc(image.data.length);
  for (let at = 0; at < image.data.length; at += 4) {
    const alpha = image.data[at + 3] ?? 0;
    const premultiply = (value: number) => Math.round((value * alpha) / 255);
    out[at] = premultiply(image.data[at + 2] ?? 0);
    out[at + 1] = premultiply(image.data[at + 1] ?? 0);
    out[at + 2] = premultiply(image.data[at] ?? 0);
    out[at + 3] = alpha;
  }
  return out;
}

/**
 * The macOS menu-bar template: black + alpha only (macOS tints it for light/dark bars and the
 * highlighted state). A database cylinder; the minutes go in the tray title next to it.
 */
export function renderTemplateIcon(size: number, scale: number): RgbaImage {
  const side = Math.max(8, Math.round(size * scale));
  const data = Buffer.alloc(side * side * 4);
  const cx = side / 2;
  const rx = side * 0.34;
  const ry = side * 0.12;
  const topY = side * 0.2;
  const bottomY = side * 0.8;
  const stroke = Math.max(1, side / 16);
  const inEllipse = (px: number, py: number, cy: number, grow: number) =>
    ((px - cx) / (rx + grow)) ** 2 + ((py - cy) / (ry + grow)) ** 2 <= 1;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy += 1) {
        for (let sx = 0; sx < 4; sx += 1) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          const body = Math.abs(px - cx) <= rx && py >= topY && py <= bottomY;
          const solid = body || inEllipse(px, py, bottomY, 0) || inEllipse(px, py, topY, 0);
          // Hollow top ellipse and two bands, so it reads as a cylinder at 16 points.
          const topHole = inEllipse(px, py, topY, -stroke);
          const gap = (cy: number) => inEllipse(px, py, cy, 0) && !inEllipse(px, py, cy - stroke, 0);
          if (solid && !topHole && !gap(side * 0.47) && !gap(side * 0.66)) hits += 1;
        }
      }
      if (hits > 0) data[(y * side + x) * 4 + 3] = Math.round((hits / 16) * 255);
    }
  }
  return { width: side, height: side, data };
}
