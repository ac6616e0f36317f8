// The CLI's exit codes (design.md, Contracts). Scripts and pgAdmin rely on them: keep them stable.
import type { Io } from './io.js';

export const ExitCode = {
  ok: 0,
  /** Something pgentra did not expect: a bug to report. */
  internal: 1,
  usage: 2,
  needsSignIn: 3,
  unreachable: 4,
  config: 5,
  databaseCheck: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as one clear line on stderr and an exit code, never a stack trace. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string, hint?: string) => new CliError(ExitCode.usage, message, hint);

/** One clear line (and a hint) on stderr for a CliError; anything else is a bug and says so. */
export function reportError(error: unknown, io: Pick<Io, 'stderr'>): number {
  if (error instanceof CliError) {
    io.stderr(`pgentra: ${error.message}\n`);
    if (error.hint) io.stderr(`${error.hint}\n`);
    return error.exitCode;
  }
  io.stderr(`pgentra: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.internal;
}
