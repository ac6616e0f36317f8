import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clusterLevel,
  COUNTDOWN_SECONDS_BELOW,
  formatCountdown,
  LEVEL_COLOURS,
  STATUS_NAMES,
} from '../../../electron/shared/token-look.js';
import { LEVEL_COLOURS as TRAY_COLOURS } from '../../../electron/main/tray/icon-renderer.js';

describe('the countdown a person reads', () => {
  it('shows minutes while more than 10 remain, m:ss below', () => {
    expect(formatCountdown(3600)).toBe('1 h 00 min');
    expect(formatCountdown(3599)).toBe('59 min');
    expect(formatCountdown(601)).toBe('10 min');
    expect(formatCountdown(600)).toBe('10:00');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(9)).toBe('0:09');
    expect(formatCountdown(0)).toBe('expired');
  });

  it('never shows seconds above 10 minutes, and always m:ss at or below', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 * 3600 }), (seconds) => {
        const text = formatCountdown(seconds);
        if (seconds > COUNTDOWN_SECONDS_BELOW) expect(text).toMatch(/^(\d+ h \d\d|\d+) min$/);
        else expect(text).toMatch(/^(10|\d):\d\d$/);
      }),
    );
  });
});

describe('state names and colours', () => {
  it('the tray badge uses the window colours', () => {
    for (const [level, hex] of Object.entries(LEVEL_COLOURS)) {
      const [r, g, b] = TRAY_COLOURS[level as keyof typeof LEVEL_COLOURS];
      expect(`#${[r, g, b].map((n) => n.toString(16).padStart(2, '0')).join('')}`).toBe(hex);
    }
  });

  it('every colour carries white text at 4.5:1 or better', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((at) => {
        const c = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const hex of Object.values(LEVEL_COLOURS))
      expect(1.05 / (luminance(hex) + 0.05), hex).toBeGreaterThanOrEqual(4.5);
  });

  it('a fresh token turns amber under 5 minutes; sign-in states are red, failures purple', () => {
    expect(clusterLevel('fresh', 30 * 60_000)).toBe('fresh');
    expect(clusterLevel('fresh', 4 * 60_000)).toBe('expiring');
    expect(clusterLevel('expiring', 30 * 60_000)).toBe('expiring');
    expect(clusterLevel('no-account', null)).toBe('needs-sign-in');
    expect(clusterLevel('expired', null)).toBe('error');
    expect(clusterLevel('pending', null)).toBe('idle');
    expect(STATUS_NAMES['needs-sign-in']).toBe('sign-in needed');
  });
});
