// The Clipboard port in memory: what was written last, whether that write asked to be kept out of
// clipboard history (`secret`), and how many secret writes there have been.
import type { Clipboard } from '../../../electron/core/ports.js';

export class MemoryClipboard implements Clipboard {
  text = '';
  /** Whether the text now on the clipboard was written as a secret. */
  secret = false;
  secretWrites = 0;
  readText(): string {
    return this.text;
  }
  writeText(text: string, options?: { secret?: boolean }): void {
    this.text = text;
    this.secret = options?.secret ?? false;
    if (this.secret) this.secretWrites += 1;
  }
  clear(): void {
    this.text = '';
    this.secret = false;
  }
}
