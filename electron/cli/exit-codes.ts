// The CLI's exit codes (design.md, Contracts). Scripts and pgAdmin rely on them: keep them stable.
import { describeFailure, failureDetailLines, isPgentraError, type FailureCategory } from '../core/errors.js';
import type { Io } from './io.js';
import { printable } from '../core/printable.js';

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
    /** `Label: value` lines shown with --verbose (Entra codes, trace and correlation IDs). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The one place a failure category becomes an exit code. */
export const EXIT_CODE_BY_CATEGORY = {
  'needs-sign-in': ExitCode.needsSignIn,
  unreachable: ExitCode.unreachable,
  config: ExitCode.config,
  'not-found': ExitCode.usage,
  'invalid-input': ExitCode.usage,
  'local-file': ExitCode.config,
  launch: ExitCode.config,
  internal: ExitCode.internal,
} as const satisfies Record<FailureCategory, ExitCode>;

export const exitCodeFor = (error: unknown): ExitCode =>
  EXIT_CODE_BY_CATEGORY[describeFailure(error).category];

/**
 * A core failure as the CLI reports it: its message, and the launcher's own hint (install psql, …)
 * or the category's advice. Anything that is not a pgentra failure stays as it is (a bug).
 */
export function toCliError(error: unknown): unknown {
  if (error instanceof CliError || !isPgentraError(error)) return error;
  const failure = describeFailure(error);
  const hint = (error as { hint?: unknown }).hint;
  return new CliError(
    exitCodeFor(error),
    failure.message,
    typeof hint === 'string' ? hint : failure.advice,
    failureDetailLines(failure.details),
  );
}

export const usageError = (message: string, hint?: string) => new CliError(ExitCode.usage, message, hint);

/**
 * One clear line and what to do on stderr for a CliError (its details too with --verbose);
 * anything else is a bug and says so.
 */
export function reportError(thrown: unknown, io: Pick<Io, 'stderr' | 'verbose'>): number {
  const error = toCliError(thrown);
  // Messages carry text from Entra ID and the agent: never let it drive the terminal.
  const shown = (text: string) => printable(text, { multiline: true });
  if (error instanceof CliError) {
    io.stderr(`pgentra: ${shown(error.message)}\n`);
    if (error.hint) io.stderr(`${shown(error.hint)}\n`);
    if (io.verbose) for (const line of error.details) io.stderr(`  ${shown(line)}\n`);
    return error.exitCode;
  }
  io.stderr(`pgentra: unexpected error: ${shown(error instanceof Error ? error.message : String(error))}\n`);
  return ExitCode.internal;
}
