// The tray app's log: a packaged GUI has no terminal, so what `console.log` printed went nowhere
// and a failed start was invisible. Every line also goes to `app.log` in the config dir (beside
// the agent service's agent.log), written synchronously (a failed start exits right after), 0600,
// tokens redacted, and bounded: past MAX_LOG_BYTES the file moves to app.log.1, replacing the
// older one.
import fs from 'node:fs';
import path from 'node:path';
import { redactTokens } from '../core/auth/classify.js';
import { failureText } from '../core/errors.js';

export const APP_LOG_FILE = 'app.log';
export const MAX_LOG_BYTES = 1024 * 1024;

export interface AppLogOptions {
  configDir: string;
  now(): Date;
  /** Also print each line (the terminal of a development run). */
  echo?(line: string): void;
  maxBytes?: number;
}

export interface AppLog {
  readonly file: string;
  log(message: string): void;
}

export function createAppLog(options: AppLogOptions): AppLog {
  const file = path.join(options.configDir, APP_LOG_FILE);
  const maxBytes = options.maxBytes ?? MAX_LOG_BYTES;
  let broken = false;
  return {
    file,
    log(message) {
      const line = `${options.now().toISOString()} ${redactTokens(message)}`;
      options.echo?.(line);
      if (broken) return;
      try {
        fs.mkdirSync(options.configDir, { recursive: true, mode: 0o700 });
        const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        if (size > maxBytes) fs.renameSync(file, `${file}.1`);
        const fd = fs.openSync(file, 'a', 0o600);
        try {
          // A file from elsewhere (or an older build) may be readable by others: it is ours now.
          if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600);
          fs.writeSync(fd, `${line}\n`);
        } finally {
          fs.closeSync(fd);
        }
      } catch (error) {
        // Logging must never take the app down; say once why the file stays silent.
        broken = true;
        options.echo?.(
          `log file ${file} not written: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  };
}

/**
 * A start that failed, for a user who started the app from a menu or at login: the reason and its
 * fix in a dialog (`dialog.showErrorBox`, which works before and after `ready`), the whole story
 * in the log file the dialog names.
 */
export function reportFailedStart(
  error: unknown,
  deps: { log: AppLog; showErrorBox(title: string, content: string): void },
): void {
  deps.log.log(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  deps.showErrorBox(
    'pgentra could not start',
    `${redactTokens(failureText(error))}\n\nDetails are in ${deps.log.file}.`,
  );
}
