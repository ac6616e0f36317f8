// Copying a token to the clipboard: written as a secret (the port marks it for clipboard history
// and sync where it can, see main/adapters/clipboard.ts), cleared after a delay, but only if the
// clipboard still holds our token — the user may have copied something else meanwhile, which we
// must not destroy. Also cleared on quit. The port is asynchronous (Electron 44+), so every step
// here is awaited: comparing a pending read with the token would never match and never clear.
import type { Cancel, Clipboard, Clock } from '../ports.js';

export class ClipboardGuard {
  private pending: { text: string; cancel: Cancel } | undefined;

  constructor(
    private readonly clipboard: Clipboard,
    private readonly clock: Clock,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async copySecret(text: string, clearAfterSec: number): Promise<void> {
    this.pending?.cancel();
    this.pending = undefined;
    await this.clipboard.writeText(text, { secret: true });
    const cancel = this.clock.setTimeout(
      () =>
        void this.clearIfStillOurs().catch((error: unknown) =>
          this.log(`clipboard: cannot clear: ${error instanceof Error ? error.message : String(error)}`),
        ),
      clearAfterSec * 1000,
    );
    this.pending = { text, cancel };
  }

  /** Copies non-secret text (a connection string): any pending token clear is now moot. */
  async copyPlain(text: string): Promise<void> {
    this.pending?.cancel();
    this.pending = undefined;
    await this.clipboard.writeText(text);
  }

  async clearIfStillOurs(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    pending.cancel();
    if ((await this.clipboard.readText()) === pending.text) await this.clipboard.clear();
  }

  /**
   * Clears now, without reading first, if a token we copied may still be there: Windows ends the
   * process soon after the session-end event returns, too soon for an asynchronous read. The
   * clear itself starts synchronously (Electron's `clipboard.clear()` is synchronous).
   */
  clearNow(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return Promise.resolve();
    pending.cancel();
    return this.clipboard.clear();
  }
}
