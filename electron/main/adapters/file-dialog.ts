// The FileDialog port over Electron's dialog module: the OS's own picker, modal to the window when
// it is open. The chosen path goes straight into the settings in the main process; the window
// only learns what was chosen from the next snapshot.
import type { FileDialog } from '../../core/ports.js';

interface DialogResult {
  canceled: boolean;
  filePath?: string;
  filePaths?: string[];
}

/** The part of Electron's dialog we use (its parent window is opaque here). */
export interface DialogLike<W> {
  showOpenDialog(
    window: W,
    options: { title: string; defaultPath?: string; properties: 'openFile'[] },
  ): Promise<DialogResult>;
  showSaveDialog(
    window: W,
    options: { title: string; defaultPath?: string; properties: never[] },
  ): Promise<DialogResult>;
}

export function createElectronFileDialog<W>(dialog: DialogLike<W>, parent: () => W): FileDialog {
  return {
    async openFile({ title, defaultPath }) {
      const result = await dialog.showOpenDialog(parent(), {
        title,
        ...(defaultPath ? { defaultPath } : {}),
        properties: ['openFile'],
      });
      return result.canceled ? null : (result.filePaths?.[0] ?? null);
    },
    async saveFile({ title, defaultPath }) {
      // No "replace?" prompt where the OS lets us skip it: pgentra never replaces the file (it keeps
      // every line it did not write, and the window asks before adopting them).
      const result = await dialog.showSaveDialog(parent(), {
        title,
        ...(defaultPath ? { defaultPath } : {}),
        properties: [],
      });
      return result.canceled ? null : (result.filePath ?? null);
    },
  };
}
