// The one place that turns a value into text a shell or a command-line parser reads back as exactly
// that value: POSIX sh, cmd.exe (a command line, a pasted line, a batch file), the Microsoft C
// runtime's argv splitting, and PowerShell. Where a parser has no way to keep a character literal,
// the value is refused rather than mangled.
import { LaunchError } from './errors.js';

const SH_BARE = /^[A-Za-z0-9_@%+:,./-]+$/;

/** One POSIX sh word that expands to exactly `value` (single quotes: nothing inside is special). */
export function shQuote(value: string): string {
  if (value.includes('\0'))
    throw new LaunchError('unsafe-value', 'a command argument contains a NUL character');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Like {@link shQuote}, but leaves words that need no quoting readable (`token`, `/usr/bin/psql`). */
export function shWord(value: string): string {
  return SH_BARE.test(value) ? value : shQuote(value);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A variable name every shell accepts in an assignment (and env(1) does not take for a command). */
export function assertEnvName(name: string): void {
  if (!ENV_NAME.test(name))
    throw new LaunchError('unsafe-value', `"${name}" is not a valid environment variable name`);
}

/**
 * Quotes one argument so the Microsoft C runtime (CommandLineToArgvW rules, used by psql.exe,
 * node.exe) splits it back into exactly `value`: backslashes only matter before a quote.
 */
export function msvcrtQuote(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  let quoted = '"';
  let backslashes = 0;
  for (const char of value) {
    if (char === '\\') {
      backslashes += 1;
    } else if (char === '"') {
      quoted += '\\'.repeat(backslashes * 2 + 1) + '"';
      backslashes = 0;
    } else {
      quoted += '\\'.repeat(backslashes) + char;
      backslashes = 0;
    }
  }
  return quoted + '\\'.repeat(backslashes * 2) + '"';
}

const CMD_SPECIAL = /[\^&|<>()%!"]/g;

/** cmd ends a command at a line break and cannot escape one; NUL cannot cross CreateProcess. */
export function assertCmdSafe(value: string, what: string): void {
  if (/[\r\n\0]/.test(value))
    throw new LaunchError('unsafe-value', `${what} contains a line break, which cmd.exe cannot pass on`);
}

/**
 * Escapes text for ONE pass of cmd.exe's parser: every metacharacter, the quote included, gets a
 * caret, so cmd never enters quote mode and passes everything through literally. `%` is the one
 * cmd expands before carets are seen; `^%` breaks the variable name (`%NAME^%` is never defined),
 * so it survives too. Delayed `!` expansion is switched off with /v:off, the caret is belt and braces.
 */
export function cmdEscape(value: string): string {
  assertCmdSafe(value, 'a command argument');
  return value.replace(CMD_SPECIAL, (char) => `^${char}`);
}

/** A program path inside real double quotes: only characters quotes cannot protect are refused. */
export function cmdQuotedPath(value: string, what: string): string {
  assertCmdSafe(value, what);
  if (/["%!]/.test(value)) {
    throw new LaunchError(
      'unsafe-value',
      `${what} (${value}) contains ", % or !, which cmd.exe would expand or split`,
      'Install it in a folder whose path has none of these characters.',
    );
  }
  return `"${value}"`;
}

/** A Windows batch file: Node refuses to spawn one without a shell (see {@link cmdRunBatchFile}). */
export function isBatchFile(command: string): boolean {
  return /\.(cmd|bat)[\s.]*$/i.test(command);
}

/**
 * The `cmd.exe /d /v:off /s /c "…"` arguments that run a batch file (a psql.cmd wrapper, say) with
 * exactly `args`. Node will not spawn a .cmd/.bat itself since the CVE-2024-27980 fix (nodejs/node
 * src/process_wrap.cc: `if (IsWindowsBatchFile(options.file)) err = UV_EINVAL;`, likewise
 * src/spawn_sync.cc) because cmd re-parses the arguments. Each one is put in real double quotes,
 * inside which cmd takes & | < > ( ) ^ literally and the batch file's %* hands them on unchanged;
 * what quotes cannot protect (", %, !, line breaks) is refused. Pass with windowsVerbatimArguments.
 */
export function cmdRunBatchFile(command: string, args: readonly string[]): string[] {
  const word = (value: string, what: string) => {
    assertCmdSafe(value, what);
    if (/["%!]/.test(value))
      throw new LaunchError(
        'unsafe-value',
        `${what} (${value}) contains ", % or !, which cmd.exe would expand or split when running the batch file ${command}`,
        'Point pgentra at the program itself (psql.exe) rather than a .cmd or .bat wrapper.',
      );
    // A backslash run before the closing quote would escape it for the C runtime: double it.
    return `"${value.replace(/(\\+)$/, '$1$1')}"`;
  };
  const line = [word(command, 'the program path'), ...args.map((arg) => word(arg, 'an argument'))].join(' ');
  return ['/d', '/v:off', '/s', '/c', `"${line}"`];
}

/**
 * `set "NAME=value"` for a person to paste into an interactive cmd: there no quoting stops %VAR%
 * expansion, so a value that needs it is refused rather than mangled.
 */
export function cmdSetLine(name: string, value: string): string {
  assertEnvName(name);
  if (/[%\r\n"]/.test(value))
    throw new LaunchError(
      'unsafe-value',
      `${name} contains a character cmd cannot represent safely (%, " or a newline): use --shell powershell`,
    );
  return `set "${name}=${value}"`;
}

/**
 * One argument in a .cmd/.bat file: `%` starts a variable even inside quotes, and only a batch
 * file can write a literal one as `%%`. Windows paths cannot contain `"`.
 */
export function batchQuote(value: string): string {
  return `"${value.replace(/%/g, '%%')}"`;
}

// PowerShell's tokenizer treats the typographic single quotes as quotes too (CharExtensions
// IsSingleQuote: U+0027, U+2018–U+201B), and inside a single-quoted string any of them, doubled,
// is one literal character (CodeGeneration.EscapeSingleQuotedStringContent does the same).
const POWERSHELL_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** A PowerShell single-quoted string literal: nothing inside expands, not even `$`. */
export function powershellQuote(value: string): string {
  return `'${value.replace(POWERSHELL_SINGLE_QUOTES, (quote) => quote + quote)}'`;
}

/**
 * One word of a systemd unit's ExecStart= (`variables: true`) or Environment= line, read back by
 * systemd as exactly `value`: double quotes with C escapes for `\` and `"`, `%%` for a literal
 * `%` (specifiers), and, where systemd substitutes variables (ExecStart), `$$` for a literal `$`.
 */
export function systemdQuote(value: string, options: { variables: boolean }): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value))
    throw new LaunchError('unsafe-value', 'a systemd unit value contains a control character or line break');
  let quoted = value.replace(/[\\"]/g, (char) => `\\${char}`).replace(/%/g, '%%');
  if (options.variables) quoted = quoted.replace(/\$/g, '$$$$');
  return `"${quoted}"`;
}

/**
 * The program of a systemd ExecStart=: systemd does not substitute `$` there, and refuses a path
 * holding a quote or a backslash ("Executable name contains special characters").
 */
export function systemdExecutable(value: string): string {
  if (/["'\\]/.test(value))
    throw new LaunchError(
      'unsafe-value',
      `the agent program (${value}) has a quote or a backslash in its path, which systemd refuses`,
      'Install pgentra (and Node.js) in a folder whose path has none of these characters.',
    );
  return systemdQuote(value, { variables: false });
}

/** Text (or an attribute value) inside XML 1.0, which has no way to write most control characters. */
export function xmlEscape(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/u.test(value))
    throw new LaunchError('unsafe-value', 'a value contains a character XML cannot hold');
  return value.replace(
    /[&<>"'\r]/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' })[char] ?? char,
  );
}

/**
 * A Windows scheduled task's action: Task Scheduler expands %NAME% in the command and its
 * arguments and offers no escape, so text where two `%` could enclose a name is refused. The
 * arguments are one command line the program splits by the C runtime's rules.
 */
export function taskActionArguments(args: readonly string[], command: string): string {
  const line = args.map(msvcrtQuote).join(' ');
  for (const value of [command, ...args]) assertCmdSafe(value, 'the agent command');
  if ((`${command} ${line}`.match(/%/g) ?? []).length > 1)
    throw new LaunchError(
      'unsafe-value',
      `the agent command (${[command, ...args].join(' ')}) contains more than one %, which Task Scheduler would expand`,
      'Install pgentra (and Node.js) in a folder whose path has no % in it.',
    );
  return line;
}
