// Windows: a cmd console (`start`), or Windows Terminal (`wt`).
import type { Processes, SpawnRequest } from '../../ports.js';
import { assertCmdSafe, cmdEscape, cmdQuotedPath, msvcrtQuote } from '../quoting.js';
import { safeTitle, type TerminalProgram } from './common.js';
import { LaunchError } from '../errors.js';

export type WindowsTerminal = { kind: 'cmd'; comspec: string } | { kind: 'wt'; command: string };

export const WINDOWS_DEFAULT_TERMINALS = ['cmd'];

export const WINDOWS_TERMINAL_HINT =
  'Set the terminal to "cmd" or "wt" (Windows Terminal) in pgentra\'s settings.';

/** What a terminal setting names (`cmd`, `wt`, case-insensitive, `.exe` optional); null when unknown or not installed. */
export async function resolveWindowsTerminal(
  processes: Processes,
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<WindowsTerminal | null> {
  const lower = entry.toLowerCase();
  if (lower === 'cmd' || lower === 'cmd.exe')
    return { kind: 'cmd', comspec: env.ComSpec ?? env.COMSPEC ?? 'C:\\Windows\\System32\\cmd.exe' };
  if (lower === 'wt' || lower === 'wt.exe') {
    const command = await processes.which('wt.exe');
    return command ? { kind: 'wt', command } : null;
  }
  return null;
}

/**
 * cmd: `cmd /c start "title" cmd /c "<psql …> || pause"`. The outer cmd runs `start`, which opens a
 * new console window running the inner cmd; each cmd parses the line once, so the inner line is
 * escaped for the inner cmd and the whole of it again for the outer one. `pause` keeps the window
 * open when psql fails, so its error can be read. start inherits our environment.
 */
export function windowsCmdCommand(
  terminal: Extract<WindowsTerminal, { kind: 'cmd' }>,
  program: TerminalProgram,
  options: { title: string },
): SpawnRequest {
  const comspec = cmdQuotedPath(terminal.comspec, 'cmd.exe');
  const inner = `${cmdQuotedPath(program.command, 'the psql path')} ${program.args.map((arg) => cmdEscape(msvcrtQuote(arg))).join(' ')} || pause`;
  const outer = `start "${safeTitle(options.title)}" ${comspec} /d /v:off /s /c ${cmdEscape(`"${inner}"`)}`;
  return {
    command: terminal.comspec,
    args: ['/d', '/v:off', '/s', '/c', `"${outer}"`],
    // Node's default quoting follows the C runtime's rules, which cmd does not: pass the line as built.
    windowsVerbatimArguments: true,
    detached: true,
    stdio: 'ignore',
  };
}

/**
 * What Windows Terminal cannot pass on intact. wt joins the words after `--` into one command line
 * by wrapping a word that has a space in plain quotes, escaping nothing (microsoft/terminal
 * src/cascadia/TerminalApp/AppCommandlineArgs.cpp, _getNewTerminalArgs: `if (arg.find(" ") …)
 * cmdlineBuffer << '"' << arg << '"'`), so a `"` inside, or a `\` before the closing quote, would
 * be split differently by psql's C runtime; and it expands %NAME% in the whole line before
 * CreateProcessW (src/cascadia/TerminalConnection/ConptyConnection.cpp, _LaunchAttachedClient:
 * `wil::ExpandEnvironmentStringsW(_commandline)`), with no escape. wt splits its own arguments
 * at `;`; `\;` keeps one in an argument, but the program is refused one rather than relying on that.
 */
function assertWtSafe(value: string, what: string): void {
  assertCmdSafe(value, what);
  const problem = /["%\t]/.test(value)
    ? 'a ", a % or a tab'
    : / /.test(value) && value.endsWith('\\')
      ? 'a space and a trailing backslash'
      : null;
  if (problem)
    throw new LaunchError(
      'unsafe-value',
      `Windows Terminal cannot pass ${what} (${value}) on intact: it holds ${problem}, which wt re-quotes or expands`,
      'Set the terminal to "cmd" in pgentra\'s settings.',
    );
}

/**
 * Windows Terminal: wt splits its own command line at `;`, so a literal one is written `\;`.
 * wt may hand the tab to an already running instance with that instance's environment
 * (microsoft/terminal#16226), which is harmless here: psql needs nothing from the environment.
 */
export function windowsTerminalCommand(
  terminal: Extract<WindowsTerminal, { kind: 'wt' }>,
  program: TerminalProgram,
  options: { title: string },
): SpawnRequest {
  assertWtSafe(program.command, 'the psql path');
  if (program.command.includes(';'))
    throw new LaunchError(
      'unsafe-value',
      `Windows Terminal cannot run ${program.command}: wt would split the program's path at its ";"`,
      'Set the terminal to "cmd" in pgentra\'s settings, or install psql in a folder without ";".',
    );
  for (const arg of program.args) assertWtSafe(arg, 'a psql argument');
  return {
    command: terminal.command,
    args: [
      '-w',
      'new',
      'new-tab',
      '--title',
      safeTitle(options.title),
      '--',
      program.command,
      ...program.args.map((arg) => arg.replace(/;/g, '\\;')),
    ],
    detached: true,
    stdio: 'ignore',
  };
}
