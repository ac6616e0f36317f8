// The Clipboard port in memory: what was written last, whether that write asked to be kept out of
// clipboard history (`secret`), and how many secret writes there have been. Asynchronous like the
// port (Electron's clipboard since 44); the fields are for tests to read and set directly.
import type { Clipboard } from '../../../electron/core/ports.js';

export class MemoryClipboard implements Clipboard {
  text = '';
  /** Whether the text now on the clipboard was written as a secret. */
  secret = false;
  secretWrites = 0;
  async readText(): Promise<string> {
    return this.text;
  }
  async writeText(text: string, options?: { secret?: boolean }): Promise<void> {
    this.text = text;
    this.secret = options?.secret ?? false;
    if (this.secret) this.secretWrites += 1;
  }
  async clear(): Promise<void> {
    this.text = '';
    this.secret = false;
  }
}
