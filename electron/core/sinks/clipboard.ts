// Copying a token to the clipboard: written as a secret (the port marks it for clipboard history
// and sync where it can; Electron's adapter cannot yet, see main/adapters/clipboard.ts), cleared
// after a delay, but only if the clipboard still holds our token — the user may have copied
// something else meanwhile, which we must not destroy. Also cleared on quit.
import type { Cancel, Clipboard, Clock } from '../ports.js';

export class ClipboardGuard {
  private pending: { text: string; cancel: Cancel } | undefined;

  constructor(
    private readonly clipboard: Clipboard,
    private readonly clock: Clock,
  ) {}

  copySecret(text: string, clearAfterSec: number): void {
    this.pending?.cancel();
    this.clipboard.writeText(text, { secret: true });
    const cancel = this.clock.setTimeout(() => this.clearIfStillOurs(), clearAfterSec * 1000);
    this.pending = { text, cancel };
  }

  /** Copies non-secret text (a connection string): any pending token clear is now moot. */
  copyPlain(text: string): void {
    this.pending?.cancel();
    this.pending = undefined;
    this.clipboard.writeText(text);
  }

  clearIfStillOurs(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    pending.cancel();
    if (this.clipboard.readText() === pending.text) this.clipboard.clear();
  }
}
