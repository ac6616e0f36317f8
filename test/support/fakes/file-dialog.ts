// A FileDialog that answers as a person would in the OS picker, from a script: each call takes
// the next queued answer (a path, or null for Cancel); with nothing queued the person cancels.
import type { FileDialog } from '../../../electron/core/ports.js';

export class ScriptedFileDialog implements FileDialog {
  readonly #answers: (string | null)[] = [];
  /** Every picker shown, in order. */
  readonly asked: { kind: 'open' | 'save'; title: string; defaultPath?: string }[] = [];

  /** What the person picks the next time a picker opens (null: Cancel). */
  willChoose(answer: string | null): void {
    this.#answers.push(answer);
  }

  async openFile(options: { title: string; defaultPath?: string }): Promise<string | null> {
    this.asked.push({ kind: 'open', ...options });
    return this.#answers.shift() ?? null;
  }

  async saveFile(options: { title: string; defaultPath?: string }): Promise<string | null> {
    this.asked.push({ kind: 'save', ...options });
    return this.#answers.shift() ?? null;
  }
}
