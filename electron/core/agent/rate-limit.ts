// A token bucket: a forward may burst, then gets `perMinute` requests a minute. What a remote
// host floods the forward with is refused before any token work, so the desktop stays responsive.

export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number };

export class RateLimit {
  private available: number;
  private last: number;
  readonly burst: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number,
    burst?: number,
  ) {
    this.burst = burst ?? Math.max(1, Math.min(perMinute, 20));
    this.available = this.burst;
    this.last = now();
  }

  take(): RateDecision {
    const now = this.now();
    // A clock that went back refills nothing (and never drains).
    const elapsedMs = Math.max(0, now - this.last);
    this.last = now;
    this.available = Math.min(this.burst, this.available + (elapsedMs * this.perMinute) / 60_000);
    if (this.available >= 1) {
      this.available -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSec: Math.ceil(((1 - this.available) * 60) / this.perMinute) };
  }
}
