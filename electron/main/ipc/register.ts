// Registers every contract channel with ipcMain behind one sender check. Electron is injected
// (IpcMainLike), so tests drive it with fakes: a forged frame or URL must get `forbidden` without
// the handler ever running.
import { channels, type Result } from '../../shared/ipc-contract.js';
import type { FrameLike } from '../windows/main-window.js';
import { dispatch, type createHandlers } from './handlers.js';

/** What an `ipcMain.handle` listener receives as its event, as far as we look at it. */
export interface IpcInvokeEventLike {
  sender: { id: number } | null;
  senderFrame: FrameLike | null;
}

/** The part of Electron's ipcMain we use. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export type Handlers = ReturnType<typeof createHandlers>;

export interface RegisterOptions {
  /** Our window's main frame at our renderer URL (MainWindow.isTrustedSender). */
  isTrustedSender(event: IpcInvokeEventLike): boolean;
  log(message: string): void;
}

/** Registers all channels; returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  options: RegisterOptions,
): () => void {
  const names = Object.keys(channels);
  for (const channel of names) {
    // The preload sends every call as one array of arguments (ipcRenderer.invoke(channel, args)).
    ipcMain.handle(channel, async (event, rawArgs): Promise<Result<unknown>> => {
      let trusted: boolean;
      try {
        trusted = options.isTrustedSender(event);
      } catch {
        trusted = false;
      }
      if (!trusted) {
        // Never echo the caller's URL back; log it for whoever investigates.
        options.log(
          `ipc: rejected ${channel} from ${event.senderFrame?.url.slice(0, 200) ?? 'a detached frame'}`,
        );
        return {
          ok: false,
          code: 'forbidden',
          message: 'This request did not come from the pgentra window.',
        };
      }
      return dispatch(handlers, channel, rawArgs);
    });
  }
  return () => {
    for (const channel of names) ipcMain.removeHandler(channel);
  };
}
