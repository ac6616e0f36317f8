// Opens a NEW terminal window running a program (psql), per OS. The builders are pure (platform,
// resolved paths and temp locations come in) so every OS is unit-tested on Linux; the effects go
// through the Processes and FileSystem ports. The program never carries a secret: psql reads the
// token from `passfile=` in its conninfo, so nothing here has to protect argv or the environment.
import { PgentraError } from '../errors.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { FileSystem, Processes, SpawnRequest, SpawnResult } from '../ports.js';

/** A program to run in the window: an absolute command, its argv, and env changes (undefined removes). */
export interface TerminalProgram {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export type LaunchErrorCode =
  | 'psql-missing'
  | 'terminal-missing'
  | 'terminal-failed'
  | 'unsafe-value'
  | 'secret-in-argv'
  | 'pgadmin-missing'
  | 'pgadmin-failed';

/** A launch problem a person can fix: what is wrong, and what to install or configure. */
export class LaunchError extends PgentraError {
  override readonly name = 'LaunchError';
  constructor(
    readonly reason: LaunchErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(reason === 'unsafe-value' ? 'unsafe-value' : 'launch-failed', message);
  }
}

/**
 * Windows needs the exact command line cmd.exe parses; Node's default quoting follows the C
 * runtime's rules, which cmd does not, so the adapter must pass these arguments verbatim.
 */
export interface TerminalSpawn extends SpawnRequest {
  windowsVerbatimArguments?: boolean;
}

// ---- quoting -------------------------------------------------------------------------------

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

function assertCmdSafe(value: string, what: string): void {
  // cmd ends a command at a line break and cannot escape one; NUL cannot cross CreateProcess.
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

// ---- builders ------------------------------------------------------------------------------

/** How a known Linux terminal takes a window title and the program to run (rest of argv). */
export const LINUX_TERMINALS: Readonly<
  Record<string, { titleArgs: (title: string) => string[]; execArgs: string[] }>
> = {
  // Debian policy §11.8.3: every x-terminal-emulator supports `-T title` and `-e command args…`.
  'x-terminal-emulator': { titleArgs: (title) => ['-T', title], execArgs: ['-e'] },
  'gnome-terminal': { titleArgs: (title) => ['--title', title], execArgs: ['--'] },
  konsole: { titleArgs: () => [], execArgs: ['-e'] },
  'xfce4-terminal': { titleArgs: (title) => ['--title', title], execArgs: ['-x'] },
  kitty: { titleArgs: (title) => ['--title', title], execArgs: [] },
  alacritty: { titleArgs: (title) => ['--title', title], execArgs: ['-e'] },
  foot: { titleArgs: (title) => ['--title', title], execArgs: [] },
  wezterm: { titleArgs: () => [], execArgs: ['start', '--'] },
  xterm: { titleArgs: (title) => ['-T', title], execArgs: ['-e'] },
};

function knownTerminal(name: string) {
  return Object.hasOwn(LINUX_TERMINALS, name) ? LINUX_TERMINALS[name] : undefined;
}

export const DEFAULT_TERMINALS: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ['x-terminal-emulator', 'gnome-terminal', 'konsole', 'xterm'],
  darwin: ['Terminal'],
  win32: ['cmd'],
};

/** The user's terminal setting: an ordered list of names (or, on Linux, `command [args…]`). */
export const terminalPreferenceSchema = z.array(z.string().trim().min(1).max(256)).max(10);

/** A terminal found on this machine, ready for a builder. */
export type ResolvedTerminal =
  /** `extraArgs`: for a custom entry (`command args…`), what goes before the program. */
  | { kind: 'linux'; name: string; command: string; extraArgs: string[] }
  | { kind: 'mac'; app: 'Terminal' | 'iTerm' }
  | { kind: 'cmd'; comspec: string }
  | { kind: 'wt'; command: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envEntries(program: TerminalProgram): [string, string | undefined][] {
  const entries = Object.entries(program.env);
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name))
      throw new LaunchError('unsafe-value', `"${name}" is not a valid environment variable name`);
    if (value?.includes('\0')) throw new LaunchError('unsafe-value', `${name} contains a NUL character`);
  }
  return entries;
}

/** The environment a spawned process gets: the base with the program's changes applied. */
export function applyEnv(
  base: NodeJS.ProcessEnv,
  changes: TerminalProgram['env'],
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Window title: only characters no terminal or shell treats specially. */
export function safeTitle(title: string): string {
  return title.replace(/[^A-Za-z0-9 ._:-]/g, '_').slice(0, 80) || 'pgentra';
}

// Keeps the window open when psql fails (bad connection), so the error can be read; a normal
// `\q` closes it. The program arrives as "$@", so no part of it is ever parsed as shell text.
const LINUX_WRAPPER =
  '"$@"; status=$?; if [ "$status" -ne 0 ]; then printf "\\n[%s exited with status %s. Press Enter to close.]" "$1" "$status"; read -r _; fi; exit "$status"';

/**
 * Linux: `<terminal> [title] <exec flag> env -u VAR K=V /bin/sh -c WRAPPER sh <program…>`. The
 * environment goes in argv through env(1) because single-process terminals (gnome-terminal,
 * tilix) start new windows from their server's environment, not ours.
 */
export function linuxTerminalCommand(
  terminal: Extract<ResolvedTerminal, { kind: 'linux' }>,
  program: TerminalProgram,
  options: { title: string; envCommand?: string; shell?: string },
): TerminalSpawn {
  const unset: string[] = [];
  const set: string[] = [];
  for (const [name, value] of envEntries(program)) {
    if (value === undefined) unset.push('-u', name);
    else set.push(`${name}=${value}`);
  }
  const known = knownTerminal(terminal.name);
  return {
    command: terminal.command,
    args: [
      ...(known ? [...known.titleArgs(safeTitle(options.title)), ...known.execArgs] : terminal.extraArgs),
      options.envCommand ?? '/usr/bin/env',
      ...unset,
      ...set,
      options.shell ?? '/bin/sh',
      '-c',
      LINUX_WRAPPER,
      'pgentra-psql',
      program.command,
      ...program.args,
    ],
    detached: true,
    stdio: 'ignore',
  };
}

/**
 * macOS: Terminal/iTerm start the script in a fresh login shell that has none of our environment,
 * so the script carries it. It deletes itself (and its private directory) first thing: the shell
 * keeps reading the open file, and nothing is left behind even if psql is killed.
 */
export function macCommandScript(
  program: TerminalProgram,
  location: { dir: string; script: string; title: string },
): string {
  const lines = [
    '#!/bin/sh',
    `# ${safeTitle(location.title)}: written by pgentra, removes itself. Holds no password (psql reads it from passfile).`,
    `rm -f -- ${shQuote(location.script)}`,
    `rmdir -- ${shQuote(location.dir)} 2>/dev/null`,
  ];
  for (const [name, value] of envEntries(program)) {
    lines.push(value === undefined ? `unset ${name}` : `export ${name}=${shQuote(value)}`);
  }
  lines.push(`printf '\\033]0;%s\\007' ${shQuote(safeTitle(location.title))}`);
  lines.push(`exec ${[program.command, ...program.args].map(shQuote).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** `open -a` hands the file to the app through Launch Services: no Automation (Apple Events) permission. */
export function macOpenCommand(app: 'Terminal' | 'iTerm', script: string): TerminalSpawn {
  return { command: '/usr/bin/open', args: ['-a', app, script], stdio: 'ignore' };
}

/**
 * Windows, cmd: `cmd /c start "title" cmd /c "<psql …> || pause"`. The outer cmd runs `start`,
 * which opens a new console window running the inner cmd; each cmd parses the line once, so the
 * inner line is escaped for the inner cmd and the whole of it again for the outer one. `pause`
 * keeps the window open when psql fails, so its error can be read. start inherits our environment.
 */
export function windowsCmdCommand(
  terminal: Extract<ResolvedTerminal, { kind: 'cmd' }>,
  program: TerminalProgram,
  options: { title: string },
): TerminalSpawn {
  const comspec = cmdQuotedPath(terminal.comspec, 'cmd.exe');
  const inner = `${cmdQuotedPath(program.command, 'the psql path')} ${program.args.map((arg) => cmdEscape(msvcrtQuote(arg))).join(' ')} || pause`;
  const outer = `start "${safeTitle(options.title)}" ${comspec} /d /v:off /s /c ${cmdEscape(`"${inner}"`)}`;
  return {
    command: terminal.comspec,
    args: ['/d', '/v:off', '/s', '/c', `"${outer}"`],
    windowsVerbatimArguments: true,
    detached: true,
    stdio: 'ignore',
  };
}

/**
 * Windows Terminal: wt splits its own command line at `;`, so a literal one is written `\;`.
 * wt may hand the tab to an already running instance with that instance's environment
 * (microsoft/terminal#16226), which is harmless here: psql needs nothing from the environment.
 */
export function windowsTerminalCommand(
  terminal: Extract<ResolvedTerminal, { kind: 'wt' }>,
  program: TerminalProgram,
  options: { title: string },
): TerminalSpawn {
  for (const arg of [program.command, ...program.args]) assertCmdSafe(arg, 'a command argument');
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

export interface TerminalPlan {
  /** Files to write first (macOS script), each in its own new private directory. */
  files: { dir: string; path: string; content: string; mode: number }[];
  spawn: TerminalSpawn;
}

/** Everything needed to open the window, as data: the one place that picks the OS recipe. */
export function planTerminalLaunch(input: {
  terminal: ResolvedTerminal;
  program: TerminalProgram;
  title: string;
  /** macOS: a new private directory for the script (it must not exist yet). */
  scriptDir?: string;
}): TerminalPlan {
  const { terminal, program, title } = input;
  switch (terminal.kind) {
    case 'linux':
      return { files: [], spawn: linuxTerminalCommand(terminal, program, { title }) };
    case 'cmd':
      return { files: [], spawn: windowsCmdCommand(terminal, program, { title }) };
    case 'wt':
      return { files: [], spawn: windowsTerminalCommand(terminal, program, { title }) };
    case 'mac': {
      if (!input.scriptDir) throw new PgentraError('internal', 'planTerminalLaunch: macOS needs a scriptDir');
      const script = path.posix.join(
        input.scriptDir,
        `${safeTitle(title).replace(/[^A-Za-z0-9._-]/g, '-')}.command`,
      );
      return {
        files: [
          {
            dir: input.scriptDir,
            path: script,
            content: macCommandScript(program, { dir: input.scriptDir, script, title }),
            mode: 0o700,
          },
        ],
        spawn: macOpenCommand(terminal.app, script),
      };
    }
  }
}

// ---- resolution and effects ------------------------------------------------------------------

function terminalHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Set the terminal to "Terminal" or "iTerm" in pgentra\'s settings.';
  if (platform === 'win32')
    return 'Set the terminal to "cmd" or "wt" (Windows Terminal) in pgentra\'s settings.';
  return 'Install one (Debian/Ubuntu: `sudo apt install xterm`; Fedora: `sudo dnf install xterm`) or add yours, e.g. "alacritty", to the terminal list in pgentra\'s settings.';
}

/** The preferred terminals that could work here, in order, each resolved to something to run. */
export async function resolveTerminals(
  processes: Processes,
  platform: NodeJS.Platform,
  preference: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedTerminal[]> {
  const parsed = terminalPreferenceSchema.safeParse(preference ?? []);
  if (!parsed.success) {
    throw new LaunchError(
      'unsafe-value',
      'the terminal setting must be at most 10 names of up to 256 characters',
    );
  }
  const wanted =
    parsed.data.length > 0 ? parsed.data : (DEFAULT_TERMINALS[platform] ?? DEFAULT_TERMINALS.linux ?? []);
  const found: ResolvedTerminal[] = [];
  for (const entry of wanted) {
    if (platform === 'darwin') {
      const lower = entry.toLowerCase();
      if (lower === 'terminal' || lower === 'terminal.app') found.push({ kind: 'mac', app: 'Terminal' });
      else if (lower === 'iterm' || lower === 'iterm2' || lower === 'iterm.app')
        found.push({ kind: 'mac', app: 'iTerm' });
      continue;
    }
    if (platform === 'win32') {
      const lower = entry.toLowerCase();
      if (lower === 'cmd' || lower === 'cmd.exe')
        found.push({ kind: 'cmd', comspec: env.ComSpec ?? env.COMSPEC ?? 'C:\\Windows\\System32\\cmd.exe' });
      else if (lower === 'wt' || lower === 'wt.exe') {
        const command = await processes.which('wt.exe');
        if (command) found.push({ kind: 'wt', command });
      }
      continue;
    }
    // A known name, or a custom `command args…` whose args come before the program.
    const [name = entry, ...extraArgs] = knownTerminal(entry) ? [entry] : entry.split(/\s+/);
    const command = await processes.which(name);
    if (command) found.push({ kind: 'linux', name: entry, command, extraArgs });
  }
  return found;
}

export interface TerminalDeps {
  processes: Processes;
  fs: FileSystem;
  /** The base environment for the terminal (the user's). */
  env: NodeJS.ProcessEnv;
  /** The OS temp directory: macOS scripts go in a private directory inside it. */
  tmpdir: string;
  /** For testing: the random part of the script directory name. */
  randomId?: () => string;
}

async function makePrivateDir(fs: FileSystem, dir: string): Promise<void> {
  await fs.mkdir(dir, 0o700);
  // mkdir is recursive in the adapter, so it succeeds on an existing path: check what we got.
  const stat = await fs.lstat(dir);
  if (!stat?.isDirectory || stat.isSymbolicLink)
    throw new PgentraError('file-write', `${dir} is not a new private directory`);
  if ((stat.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
}

/**
 * Opens a new terminal window running `program` (whose command is an absolute path), trying the
 * preferred terminals in order. Resolves once the terminal has started; psql's own exit is not awaited.
 */
export async function openInTerminal(
  deps: TerminalDeps,
  program: TerminalProgram,
  options: { title: string; preference?: readonly string[] },
): Promise<{ terminal: string }> {
  const platform = deps.processes.platform;
  const candidates = await resolveTerminals(deps.processes, platform, options.preference, deps.env);
  if (candidates.length === 0) {
    const tried = (
      options.preference?.length ? options.preference : (DEFAULT_TERMINALS[platform] ?? [])
    ).join(', ');
    throw new LaunchError(
      'terminal-missing',
      `no terminal program found (tried: ${tried})`,
      terminalHint(platform),
    );
  }
  const env = applyEnv(deps.env, program.env);
  const failures: string[] = [];
  for (const terminal of candidates) {
    const scriptDir =
      terminal.kind === 'mac'
        ? path.join(deps.tmpdir, `pgentra-${(deps.randomId ?? (() => randomBytes(16).toString('hex')))()}`)
        : undefined;
    const plan = planTerminalLaunch({ terminal, program, title: options.title, scriptDir });
    for (const file of plan.files) {
      await makePrivateDir(deps.fs, file.dir);
      await deps.fs.writeNewFile(file.path, Buffer.from(file.content, 'utf8'), file.mode);
    }
    const name =
      terminal.kind === 'linux' ? terminal.name : terminal.kind === 'mac' ? terminal.app : terminal.kind;
    const failure = await deps.processes.run({ ...plan.spawn, env }).then(
      (result) =>
        result.exitCode === 0 || (result.exitCode === null && result.signal === null)
          ? null
          : `exited with ${result.exitCode ?? result.signal}${result.stderr ? ` (${result.stderr.trim()})` : ''}`,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (failure === null) return { terminal: name };
    failures.push(`${name}: ${failure}`);
    // The script's directory stays (empty): the FileSystem port has no rmdir, and it is private.
    await removeFiles(deps.fs, plan);
  }
  throw new LaunchError(
    'terminal-failed',
    `no terminal could be opened: ${failures.join('; ')}`,
    terminalHint(platform),
  );
}

async function removeFiles(fs: FileSystem, plan: TerminalPlan): Promise<void> {
  for (const file of plan.files) {
    await fs.unlink(file.path).catch(() => undefined);
  }
}

// ---- Node adapter ----------------------------------------------------------------------------
// The Processes port's Node implementation. It belongs beside nodeFileSystem in node-ports.ts and
// lives here until that file can take it.

/** How long a detached program may take to fail at once (no display, bad flag) before we call it started. */
const DETACHED_GRACE_MS = 400;

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  return code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
}

async function isExecutableFile(candidate: string): Promise<boolean> {
  try {
    const stat = await fsp.stat(candidate);
    if (!stat.isFile()) return false;
    if (process.platform !== 'win32') await fsp.access(candidate, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function createNodeProcesses(
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {},
): Processes {
  const baseEnv = options.env ?? process.env;
  return {
    platform: options.platform ?? process.platform,
    async which(command) {
      if (path.isAbsolute(command)) return (await isExecutableFile(command)) ? command : null;
      const dirs = (baseEnv.PATH ?? baseEnv.Path ?? '').split(path.delimiter).filter(Boolean);
      const extensions =
        process.platform === 'win32' ? ['', ...(baseEnv.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
      for (const dir of dirs) {
        for (const extension of extensions) {
          const candidate = path.join(dir, command + extension);
          if (await isExecutableFile(candidate)) return candidate;
        }
      }
      return null;
    },
    run(request) {
      const verbatim = (request as TerminalSpawn).windowsVerbatimArguments;
      const stdio = request.stdio ?? 'pipe';
      return new Promise<SpawnResult>((resolve, reject) => {
        const child = spawn(request.command, [...request.args], {
          env: (request.env ?? baseEnv) as NodeJS.ProcessEnv,
          cwd: request.cwd,
          detached: request.detached ?? false,
          stdio: stdio === 'pipe' ? ['pipe', 'pipe', 'pipe'] : stdio,
          windowsVerbatimArguments: verbatim,
          windowsHide: stdio !== 'inherit' && !request.detached,
        });
        let stdout = '';
        let stderr = '';
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        if (child.stdin) child.stdin.end(request.input ?? '');
        // Like system(3): while a foreground child owns the terminal, Ctrl-C and Ctrl-\ are for it
        // (psql cancels the running query), not for us.
        const ignore = () => undefined;
        const foreground = stdio === 'inherit' && !request.detached;
        if (foreground) {
          process.on('SIGINT', ignore);
          process.on('SIGQUIT', ignore);
        }
        const cleanup = () => {
          if (foreground) {
            process.off('SIGINT', ignore);
            process.off('SIGQUIT', ignore);
          }
        };
        child.once('error', (error) => {
          cleanup();
          reject(error);
        });
        if (request.detached) {
          child.once('spawn', () => {
            const timer = setTimeout(() => {
              child.removeAllListeners('exit');
              child.unref();
              resolve({ exitCode: null, signal: null, stdout, stderr });
            }, DETACHED_GRACE_MS);
            child.once('exit', (code, signal) => {
              clearTimeout(timer);
              resolve({ exitCode: exitCodeOf(code, signal), signal, stdout, stderr });
            });
          });
          return;
        }
        child.once('close', (code, signal) => {
          cleanup();
          resolve({ exitCode: exitCodeOf(code, signal), signal, stdout, stderr });
        });
      });
    },
  };
}
