// Opens a NEW terminal window running a program (psql): picks the terminal from the user's
// setting and hands the OS recipe (./terminals/{linux,darwin,win32}.ts) what it needs. The recipes
// are pure (platform, resolved paths and temp locations come in) so every OS is unit-tested on
// Linux; the effects go through the Processes and FileSystem ports. The program never carries a
// secret: psql reads the token from `passfile=` in its conninfo, so nothing here has to protect
// argv or the environment.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { PgentraError } from '../errors.js';
import type { FileSystem, Processes } from '../ports.js';
import { LaunchError } from './errors.js';
import type { TerminalPlan, TerminalProgram } from './terminals/common.js';
import {
  macTerminalPlan,
  MAC_DEFAULT_TERMINALS,
  MAC_TERMINAL_HINT,
  resolveMacTerminal,
  type MacTerminal,
} from './terminals/darwin.js';
import {
  LINUX_DEFAULT_TERMINALS,
  LINUX_TERMINAL_HINT,
  linuxTerminalCommand,
  resolveLinuxTerminal,
  type LinuxTerminal,
} from './terminals/linux.js';
import {
  WINDOWS_DEFAULT_TERMINALS,
  WINDOWS_TERMINAL_HINT,
  resolveWindowsTerminal,
  windowsCmdCommand,
  windowsTerminalCommand,
  type WindowsTerminal,
} from './terminals/win32.js';

export const DEFAULT_TERMINALS: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: LINUX_DEFAULT_TERMINALS,
  darwin: MAC_DEFAULT_TERMINALS,
  win32: WINDOWS_DEFAULT_TERMINALS,
};

/** The user's terminal setting: an ordered list of names (or, on Linux, `command [args…]`). */
export const terminalPreferenceSchema = z.array(z.string().trim().min(1).max(256)).max(10);

/** A terminal found on this machine, ready for its OS recipe. */
export type ResolvedTerminal = LinuxTerminal | MacTerminal | WindowsTerminal;

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
    case 'mac':
      if (!input.scriptDir) throw new PgentraError('internal', 'planTerminalLaunch: macOS needs a scriptDir');
      return macTerminalPlan(terminal, program, { title, scriptDir: input.scriptDir });
  }
}

function terminalHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return MAC_TERMINAL_HINT;
  if (platform === 'win32') return WINDOWS_TERMINAL_HINT;
  return LINUX_TERMINAL_HINT;
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
    const terminal =
      platform === 'darwin'
        ? resolveMacTerminal(entry)
        : platform === 'win32'
          ? await resolveWindowsTerminal(processes, entry, env)
          : await resolveLinuxTerminal(processes, entry);
    if (terminal) found.push(terminal);
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
