import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clusterLevel,
  COUNTDOWN_SECONDS_BELOW,
  formatCountdown,
} from '../../../electron/shared/time-left.js';
import { formatTimeLeft } from '../../../electron/main/tray/tray-model.js';

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

  it('above 10 minutes the window and the tray say the same minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: COUNTDOWN_SECONDS_BELOW + 1, max: 24 * 3600 }), (seconds) => {
        expect(`${formatCountdown(seconds)} left`).toBe(formatTimeLeft(seconds * 1000));
      }),
    );
  });
});

describe("a cluster's level", () => {
  it('a fresh token turns amber under 5 minutes; sign-in states are red, failures purple', () => {
    expect(clusterLevel('fresh', 30 * 60_000)).toBe('fresh');
    expect(clusterLevel('fresh', 4 * 60_000)).toBe('expiring');
    expect(clusterLevel('expiring', 30 * 60_000)).toBe('expiring');
    expect(clusterLevel('fresh', null)).toBe('idle');
    expect(clusterLevel('no-account', null)).toBe('needs-sign-in');
    expect(clusterLevel('expired', null)).toBe('error');
    expect(clusterLevel('pending', null)).toBe('idle');
  });
});
