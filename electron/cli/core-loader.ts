// Opens the core for a command with the real OS ports, and maps core failures to exit codes.
import { AuthError, adviceFor } from '../core/auth/errors.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { systemClock, nodeFileSystem } from '../core/node-ports.js';
import { openBrowser } from './system-browser.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { Io } from './io.js';
import type { Pgentra } from '../core/pgentra.js';

export async function openCore(io: Io): Promise<Pgentra> {
  const { Pgentra } = await import('../core/pgentra.js');
  try {
    return await Pgentra.open({
      configDir: resolveConfigDir(io.env),
      env: io.env,
      fs: nodeFileSystem,
      clock: systemClock,
      browser: { open: openBrowser },
      warn: (message) => io.stderr(`pgentra: warning: ${message}\n`),
    });
  } catch (error) {
    throw toCliError(error);
  }
}

/** Exit code for an AuthError kind (design.md: 3 sign-in, 4 unreachable, 5 configuration). */
export function exitCodeFor(kind: AuthError['kind']): ExitCode {
  switch (kind) {
    case 'needs-sign-in':
    case 'interaction-required':
      return ExitCode.needsSignIn;
    case 'network':
    case 'throttled':
      return ExitCode.unreachable;
    case 'config':
    case 'keychain':
      return ExitCode.config;
    case 'unknown':
      return ExitCode.internal;
  }
}

const USAGE_ERRORS = new Set(['ClusterNotFoundError', 'ClusterValidationError']);
// Local files we could not read or write (config, pgpass, servers.json) and launch problems: the
// message names the file or program and says why.
const LOCAL_ERRORS = new Set([
  'ConfigError',
  'PgpassFileError',
  'FileWriteError',
  'ConcurrentChangeError',
  'LockTimeoutError',
  'PgpassBlockError',
  'LaunchError',
]);

export function toCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof AuthError)
    return new CliError(exitCodeFor(error.kind), error.message, adviceFor(error.kind));
  if (error instanceof Error && USAGE_ERRORS.has(error.name))
    return new CliError(ExitCode.usage, error.message);
  if (error instanceof Error && LOCAL_ERRORS.has(error.name))
    return new CliError(ExitCode.config, error.message);
  return error;
}
