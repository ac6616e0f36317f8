// Argument parsing shared by every command: node's parseArgs (strict, so a typo is an error, not
// a silently ignored flag) plus `--help` handling and value checks that name the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExitCode, usageError } from './exit-codes.js';
import type { Io } from './io.js';

export interface CommandHelp {
  usage: string;
  summary: string;
  options?: [flag: string, meaning: string][];
  examples: string[];
}

export function formatHelp(help: CommandHelp): string {
  const width = Math.max(0, ...(help.options ?? []).map(([flag]) => flag.length));
  return [
    `Usage: ${help.usage}`,
    '',
    help.summary,
    ...(help.options?.length
      ? ['', 'Options:', ...help.options.map(([flag, meaning]) => `  ${flag.padEnd(width)}  ${meaning}`)]
      : []),
    '',
    'Examples:',
    ...help.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses argv for one command. Returns `null` after printing help when `--help` was given, so
 * the caller returns exit code 0.
 */
export function parseCommand<O extends Options>(
  argv: string[],
  options: O,
  help: CommandHelp,
  io: Io,
  positionals: { min?: number; max?: number } = {},
) {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(formatHelp(help));
    return null;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(
      `${error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error)}`,
      `Usage: ${help.usage}`,
    );
  }
  const count = parsed.positionals.length;
  if (count < (positionals.min ?? 0)) throw usageError(`missing argument`, `Usage: ${help.usage}`);
  if (count > (positionals.max ?? 0))
    throw usageError(
      `unexpected argument "${parsed.positionals[positionals.max ?? 0]}"`,
      `Usage: ${help.usage}`,
    );
  return parsed;
}

/** `90s`, `10m`, `1h`, or plain seconds. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+)\s*(s|sec|m|min|h)?$/i.exec(value.trim());
  if (!match?.[1]) throw usageError(`--${flag} must be a duration like 300, 90s, 10m or 1h (got "${value}")`);
  const amount = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const seconds = unit.startsWith('h') ? amount * 3600 : unit.startsWith('m') ? amount * 60 : amount;
  if (seconds > 24 * 3600) throw usageError(`--${flag} must be at most 24h (got "${value}")`);
  return seconds;
}

export function parsePort(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535)
    throw usageError(`--${flag} must be a TCP port between 1 and 65535 (got "${value}")`);
  return port;
}

export { ExitCode };
