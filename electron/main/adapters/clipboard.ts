// The Clipboard port over Electron's clipboard. Keeping a token out of clipboard history and
// cloud sync needs a marker format written *together with* the text, in one clipboard
// transaction; each OS has its convention:
//   macOS    org.nspasteboard.ConcealedType / TransientType (nspasteboard.org)
//   Windows  ExcludeClipboardContentFromMonitorProcessing, CanIncludeInClipboardHistory = 0,
//            CanUploadToCloudClipboard = 0 (learn.microsoft.com, "Clipboard Formats")
//   KDE      x-kde-passwordManagerHint = secret
// Electron 41 cannot do that: `clipboard.write` takes only text/html/rtf/image/bookmark, and
// `writeBuffer` starts a new transaction that replaces the text (electron/electron#11838,
// #41462). Custom formats in `clipboard.write` arrive with Electron 44 (#51707). Until then the
// token is written as plain text, and what protects it is the guard in core/sinks/clipboard.ts:
// cleared after `clipboardClearSec` if unchanged, and on quit. `writeWithFormats` is the seam for
// the Electron 44 call (or a native helper).
import type { Clipboard } from '../../core/ports.js';

/** The part of Electron's clipboard we use. */
export interface ElectronClipboardLike {
  readText(): string;
  writeText(text: string): void;
  clear(): void;
}

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

export interface ClipboardAdapterOptions {
  platform: NodeJS.Platform;
  /** Writes text plus marker formats atomically; absent on Electron 41 (see above). */
  writeWithFormats?: (text: string, formats: Record<string, Buffer>) => void;
}

export function createElectronClipboard(
  clipboard: ElectronClipboardLike,
  options: ClipboardAdapterOptions,
): Clipboard {
  return {
    readText: () => clipboard.readText(),
    writeText(text, writeOptions) {
      if (writeOptions?.secret && options.writeWithFormats) {
        options.writeWithFormats(text, secretClipboardFormats(options.platform));
        return;
      }
      clipboard.writeText(text);
    },
    clear: () => clipboard.clear(),
  };
}
