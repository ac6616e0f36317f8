// The Clipboard port over Electron's clipboard, which is asynchronous since Electron 44 (W3C
// shape: readText/writeText/write return promises; `clear` stays synchronous).
//
// Keeping a token out of clipboard history and cloud sync needs a marker format written
// *together with* the text, in one clipboard transaction; each OS has its convention:
//   macOS    org.nspasteboard.ConcealedType / TransientType (nspasteboard.org)
//   Windows  ExcludeClipboardContentFromMonitorProcessing, CanIncludeInClipboardHistory = 0,
//            CanUploadToCloudClipboard = 0 (learn.microsoft.com, "Clipboard Formats")
//   KDE      x-kde-passwordManagerHint = secret
// Electron 44+ commits every entry of one `clipboard.write([new ClipboardItem({...})])` atomically
// and writes raw OS formats under `electron application/osclipboard;format="…"`, so the token goes
// out as text/plain plus the markers (`writeItem`, wired in compose.ts). Should that write fail,
// the token is written as plain text; what then protects it is the guard in
// core/sinks/clipboard.ts: cleared after `clipboardClearSec` if unchanged, and on quit.
import type { Clipboard } from '../../core/ports.js';

/** The part of Electron's clipboard we use. */
export interface ElectronClipboardLike {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  clear(): void;
}

/** One clipboard entry by MIME type, as `new ClipboardItem(entries)` takes it. */
export type ClipboardEntries = Record<string, string | Blob>;

/** The marker formats that ask clipboard managers and history to skip a secret, per OS. */
export function secretClipboardFormats(platform: NodeJS.Platform): Record<string, Buffer> {
  const dwordZero = Buffer.alloc(4);
  switch (platform) {
    case 'darwin':
      return {
        'org.nspasteboard.ConcealedType': Buffer.alloc(0),
        'org.nspasteboard.TransientType': Buffer.alloc(0),
      };
    case 'win32':
      return {
        ExcludeClipboardContentFromMonitorProcessing: Buffer.alloc(0),
        CanIncludeInClipboardHistory: dwordZero,
        CanUploadToCloudClipboard: dwordZero,
      };
    default:
      return { 'x-kde-passwordManagerHint': Buffer.from('secret') };
  }
}

/** Electron's MIME key for a raw OS clipboard format. */
export function osClipboardMime(format: string): string {
  return `electron application/osclipboard;format="${format}"`;
}

/** The one clipboard entry for a secret: the text plus this platform's marker formats. */
export function secretClipboardEntries(text: string, platform: NodeJS.Platform): ClipboardEntries {
  const entries: ClipboardEntries = { 'text/plain': text };
  for (const [format, bytes] of Object.entries(secretClipboardFormats(platform)))
    entries[osClipboardMime(format)] = new Blob([new Uint8Array(bytes)]);
  return entries;
}

export interface ClipboardAdapterOptions {
  platform: NodeJS.Platform;
  /** Writes one entry atomically: `clipboard.write([new ClipboardItem(entries)])`. */
  writeItem?: (entries: ClipboardEntries) => Promise<void>;
  log?: (message: string) => void;
}

export function createElectronClipboard(
  clipboard: ElectronClipboardLike,
  options: ClipboardAdapterOptions,
): Clipboard {
  return {
    readText: () => clipboard.readText(),
    async writeText(text, writeOptions) {
      if (writeOptions?.secret && options.writeItem) {
        try {
          await options.writeItem(secretClipboardEntries(text, options.platform));
          return;
        } catch (error) {
          options.log?.(
            `clipboard: marker formats refused, copying as plain text: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      await clipboard.writeText(text);
    },
    clear: async () => clipboard.clear(),
  };
}
