// Registers every contract channel with ipcMain behind one sender check. Electron is injected
// (IpcMainLike), so tests drive it with fakes: a forged frame or URL must get `forbidden` without
// the handler ever running.
//
// Registered before anything can open the window (compose.ts), with the handlers still starting:
// a call that arrives during a slow start waits for them instead of failing with Electron's "No
// handler registered for '<channel>'" (electron lib/browser/api/web-contents.ts answers an
// `-ipc-invoke` on a channel nobody handles with that error).
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

/**
 * Registers all channels; returns a function that removes them again. `handlers` may still be
 * coming (the services are starting): calls wait for it, and get `internal` if the start failed.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: Handlers | Promise<Handlers>,
  options: RegisterOptions,
): () => void {
  // Settled once, so a failed start is reported per call and is never an unhandled rejection.
  const ready: Promise<Handlers | Error> = Promise.resolve(handlers).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
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
      const started = await ready;
      if (started instanceof Error)
        return { ok: false, code: 'internal', message: `pgentra did not start: ${started.message}` };
      return dispatch(started, channel, rawArgs);
    });
  }
  return () => {
    for (const channel of names) ipcMain.removeHandler(channel);
  };
}
