import { describe, expect, it } from 'vitest';
import {
  LEVEL_STYLES,
  levelOf,
  rgbOf,
  STATUS_LABELS,
  STATUS_LEVELS,
  type ClusterTokenStatus,
} from '../../../electron/shared/token-status.js';

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b2] = rgbOf(hex).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('the state table the tray and the window share', () => {
  it('styles every level once, in urgency order', () => {
    expect([...STATUS_LEVELS].sort()).toEqual(Object.keys(LEVEL_STYLES).sort());
  });

  it('keeps white digits readable on every badge and every colour readable on light and dark', () => {
    for (const [level, style] of Object.entries(LEVEL_STYLES)) {
      expect(contrast(style.colour, '#ffffff'), `${level} on white`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(style.colourOnDark, '#202020'), `${level} on dark`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('gives every cluster state a label and a level', () => {
    const states: ClusterTokenStatus[] = [
      'pending',
      'fresh',
      'refreshing',
      'expiring',
      'expired',
      'needs-sign-in',
      'error',
      'no-account',
    ];
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...states].sort());
    expect(states.map(levelOf)).toEqual([
      'idle',
      'fresh',
      'refreshing',
      'expiring',
      'error',
      'needs-sign-in',
      'error',
      'needs-sign-in',
    ]);
  });

  it('reads #rrggbb', () => {
    expect(rgbOf('#2e7d32')).toEqual([0x2e, 0x7d, 0x32]);
  });
});
