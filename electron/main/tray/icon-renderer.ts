// Draws the Windows/Linux tray icon (a coloured rounded badge with the minutes left in a
// hand-drawn bitmap font: those trays have no text next to the icon, unlike the macOS menu bar),
// the macOS template and the small app icons. Every shape is fitted to the pixel grid per size
// (whole-pixel edges and strokes; only curves are anti-aliased), so 16, 20, 24 and 32 px are each
// drawn, not scaled. Pure: RGBA pixels out, so tests and build/generate-icons.ts use the very same
// code the app draws with.
import { LEVEL_STYLES, rgbOf, type StatusLevel } from '../../shared/token-status.js';
import { forEachInkPixel, layoutText } from './pixel-font.js';
import type { TrayLevel } from './tray-model.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** Straight (not premultiplied) RGBA, row by row, 4 bytes a pixel. */
  data: Buffer;
}

type Rgb = readonly [number, number, number];

/** Badge colours per level, from the table the window uses too (electron/shared/token-status.ts). */
export const LEVEL_COLOURS: Readonly<Record<TrayLevel, Rgb>> = Object.fromEntries(
  Object.entries(LEVEL_STYLES).map(([level, style]) => [level, rgbOf(style.colour)]),
) as Record<StatusLevel, Rgb>;

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

/** Coverage (0–1) of a pixel by `inside`, 4×4 supersampled: smooth curves, exact straight edges. */
function coverage(x: number, y: number, inside: (px: number, py: number) => boolean): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy += 1)
    for (let sx = 0; sx < 4; sx += 1) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits += 1;
  return hits / 16;
}

/** A rounded square filling the whole icon, with a whole-pixel radius per size (3 px at 16). */
function insideRoundedSquare(side: number): (px: number, py: number) => boolean {
  const radius = Math.max(2, Math.round(side / 5));
  return (px, py) => {
    const cx = Math.min(Math.max(px, radius), side - radius);
    const cy = Math.min(Math.max(py, radius), side - radius);
    return (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2;
  };
}

function fillShape(side: number, rgb: Rgb, inside: (px: number, py: number) => boolean): Buffer {
  const data = Buffer.alloc(side * side * 4);
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const covered = coverage(x, y, inside);
      if (covered === 0) continue;
      data.set([...rgb, Math.round(covered * 255)], (y * side + x) * 4);
    }
  }
  return data;
}

export function renderTrayIcon(request: TrayIconRequest): RgbaImage {
  const side = Math.max(8, Math.round(request.size * request.scale));
  const data = fillShape(side, LEVEL_COLOURS[request.level], insideRoundedSquare(side));
  const text = badgeText(request.level, request.minutesLeft);
  forEachInkPixel(text, layoutText(text, side), (x, y) => {
    if (x >= 0 && y >= 0 && x < side && y < side) data.fill(255, (y * side + x) * 4, (y * side + x) * 4 + 4);
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

interface CylinderFit {
  /** Left and right margin, as a fraction of the side (rounded to whole pixels). */
  inset: number;
  /** Top and bottom margin above the caps, as a fraction of the side. */
  margin: number;
}

/**
 * A database cylinder fitted to the grid: its sides on whole pixels, its bands' strokes whole
 * pixels thick and placed on whole rows, so it reads as a cylinder even at 16 px.
 */
function insideCylinder(side: number, fit: CylinderFit): (px: number, py: number) => boolean {
  const left = Math.round(side * fit.inset);
  const cx = side / 2;
  const rx = cx - left;
  const ry = Math.max(1.5, Math.round(side * 0.24) / 2);
  const stroke = Math.max(1, Math.round(side / 16));
  const topY = Math.round(side * fit.margin) + ry;
  const bottomY = side - Math.round(side * fit.margin) - ry;
  const bands = [1, 2].map((n) => Math.round(topY + ((bottomY - topY) * n) / 3));
  const inEllipse = (px: number, py: number, cy: number, grow: number) =>
    ((px - cx) / (rx + grow)) ** 2 + ((py - cy) / (ry + grow)) ** 2 <= 1;
  return (px, py) => {
    const body = Math.abs(px - cx) <= rx && py >= topY && py <= bottomY;
    const solid = body || inEllipse(px, py, bottomY, 0) || inEllipse(px, py, topY, 0);
    // The open top, and a gap under each band's curve.
    const topHole = inEllipse(px, py, topY, -stroke);
    const gap = (cy: number) => inEllipse(px, py, cy, 0) && !inEllipse(px, py, cy - stroke, 0);
    return solid && !topHole && !bands.some(gap);
  };
}

/**
 * The macOS menu-bar template: black + alpha only (macOS tints it for light/dark bars and the
 * highlighted state). A database cylinder; the minutes go in the tray title next to it.
 */
export function renderTemplateIcon(size: number, scale: number): RgbaImage {
  const side = Math.max(8, Math.round(size * scale));
  const data = fillShape(side, [0, 0, 0], insideCylinder(side, { inset: 0.16, margin: 0.06 }));
  return { width: side, height: side, data };
}

/** The app icon's tile: the blue of app.svg. */
export const APP_TILE: Rgb = [0x1f, 0x5f, 0xc4];

/**
 * The app icon drawn for one size: a white cylinder on a blue rounded tile. build/generate-icons.ts
 * uses it for 16–32 px always (an SVG scaled down to 16 px is a blur) and for larger sizes when
 * no SVG rasteriser is installed.
 */
export function renderAppIcon(side: number): RgbaImage {
  const data = fillShape(side, APP_TILE, insideRoundedSquare(side));
  const cylinder = fillShape(side, [255, 255, 255], insideCylinder(side, { inset: 0.22, margin: 0.14 }));
  for (let at = 0; at < data.length; at += 4) {
    const ink = (cylinder[at + 3] ?? 0) / 255;
    if (ink === 0) continue;
    for (let c = 0; c < 3; c += 1) data[at + c] = Math.round(255 * ink + (APP_TILE[c] ?? 0) * (1 - ink));
  }
  return { width: side, height: side, data };
}
