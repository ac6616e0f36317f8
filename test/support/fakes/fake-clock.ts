// A clock tests drive by hand. Wall and monotonic time advance together unless a test jumps the
// wall clock alone (a user setting the time) or both with a gap in the timers (sleep/resume).
import type { Cancel, Clock } from '../../../electron/core/ports.js';

interface Timer {
  id: number;
  dueMono: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  private wall: number;
  private mono = 1_000_000;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = Date.parse('2026-11-22T12:00:00Z')) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(callback: () => void, ms: number): Cancel {
    const timer = { id: this.nextId++, dueMono: this.mono + Math.max(0, ms), callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Advances both clocks, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    for (;;) {
      await settle();
      const next = this.timers
        .filter((t) => t.dueMono <= target)
        .sort((a, b) => a.dueMono - b.dueMono || a.id - b.id)[0];
      if (!next) break;
      this.wall += next.dueMono - this.mono;
      this.mono = next.dueMono;
      this.timers = this.timers.filter((t) => t !== next);
      next.callback();
    }
    this.wall += target - this.mono;
    this.mono = target;
    await settle();
  }

  /** The wall clock changes but monotonic time does not (clock set by hand, NTP step). */
  jumpWall(ms: number): void {
    this.wall += ms;
  }

  /**
   * The machine sleeps: both clocks move on, but timers armed before only get to run afterwards
   * (a suspended process runs nothing), all at once.
   */
  async sleep(ms: number): Promise<void> {
    this.wall += ms;
    this.mono += ms;
    await this.advance(0);
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
