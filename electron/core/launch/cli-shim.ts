// "Install the pgentra command": a small launcher in a per-user bin directory that runs the CLI
// shipped with the app, so `pgentra` works in any terminal without an npm install. No admin
// rights: ~/.local/bin (XDG; also used on macOS) or %LOCALAPPDATA%\pgentra\bin. A file there that
// pgentra did not write (an npm-installed pgentra, say) is never replaced.
import { PgentraError } from '../errors.js';
import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { FileSystem, Processes } from '../ports.js';
import { assertStableAppLocation } from './app-location.js';
import { batchQuote, shQuote } from './quoting.js';

/** Marks a launcher as ours: only a file carrying it may be replaced. */
const MARK = 'written by the pgentra app (Install the pgentra command)';

export interface CliShimInput {
  platform: NodeJS.Platform;
  homedir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The CLI as the app runs it: an executable, or an interpreter and a script. */
  pgentraCommand: readonly string[];
}

export interface CliShimPlan {
  file: string;
  directory: string;
  content: string;
  /** Whether `directory` is already on the PATH this process sees. */
  onPath: boolean;
}

export function planCliShim(input: CliShimInput): CliShimPlan {
  const windows = input.platform === 'win32';
  const paths = windows ? path.win32 : path.posix;
  if (input.pgentraCommand.length === 0) throw new PgentraError('internal', 'no pgentra command to install');
  assertStableAppLocation(input.pgentraCommand, input.platform, 'the pgentra command');
  const directory = windows
    ? paths.join(input.env.LOCALAPPDATA ?? paths.join(input.homedir, 'AppData', 'Local'), 'pgentra', 'bin')
    : paths.join(input.homedir, '.local', 'bin');
  const file = paths.join(directory, windows ? 'pgentra.cmd' : 'pgentra');
  const content = windows
    ? `@echo off\r\nrem ${MARK}\r\n${input.pgentraCommand.map((word) => batchCommandWord(word, input.env.LOCALAPPDATA)).join(' ')} %*\r\n`
    : `#!/bin/sh\n# ${MARK}\nexec ${input.pgentraCommand.map(shQuote).join(' ')} "$@"\n`;
  const normalise = (dir: string) => paths.normalize(dir).replace(/[\\/]+$/, '');
  const wanted = windows ? normalise(directory).toLowerCase() : normalise(directory);
  const onPath = (input.env.PATH ?? input.env.Path ?? '')
    .split(windows ? ';' : ':')
    .filter(Boolean)
    .some((entry) => (windows ? normalise(entry).toLowerCase() : normalise(entry)) === wanted);
  return { file, directory, content, onPath };
}

/**
 * One word of pgentra.cmd. cmd.exe reads a batch file in the console's code page (OEM, 437 or 850,
 * unless `chcp` changed it; cmd's source is not public, this is its documented `chcp` behaviour),
 * not in UTF-8, so a path under C:\Users\Zoë would name a folder that does not exist. The usual
 * install lives under %LOCALAPPDATA%, which cmd expands from the environment (UTF-16, exact):
 * that part is written as the variable, and what is left must be ASCII or the launcher is refused.
 */
function batchCommandWord(value: string, localAppData: string | undefined): string {
  const root = localAppData?.replace(/[\\/]+$/, '');
  const underRoot = root && value.toLowerCase().startsWith(`${root.toLowerCase()}\\`);
  const rest = underRoot ? value.slice(root.length) : value;
  if (/[^\x20-\x7e]/.test(rest))
    throw new CliShimError(
      `cannot write a pgentra.cmd that runs ${value}: cmd.exe reads batch files in the console's code page and would misread the characters outside ASCII in that path. ` +
        'Install pgentra in its default per-user folder (under %LOCALAPPDATA%) or in a folder whose path is plain ASCII.',
    );
  return underRoot ? `"%LOCALAPPDATA%${rest.replace(/%/g, '%%')}"` : batchQuote(value);
}

export class CliShimError extends PgentraError {
  override readonly name = 'CliShimError';
  constructor(message: string) {
    super('cli-install-failed', message);
  }
}

/**
 * Adds $env:PGENTRA_BIN_DIR to the user's PATH (HKCU\Environment\Path) as Windows' own editor
 * does, without touching the rest of the value. `[Environment]::Get/SetEnvironmentVariable(…,
 * 'User')` is not used: it reads the value expanded and writes it back with a plain
 * `SetValue(variable, value)`, a REG_SZ (dotnet/runtime Environment.Win32.cs
 * SetEnvironmentVariableFromRegistry), so every `%USERPROFILE%\…` entry the user had was frozen
 * to today's expansion and its REG_EXPAND_SZ type lost. Here the raw value is read
 * (DoNotExpandEnvironmentNames), ours is appended unless an entry already expands to it, the
 * value is written back as REG_EXPAND_SZ, and WM_SETTINGCHANGE "Environment" is broadcast so
 * Explorer hands new terminals the new PATH (what SetEnvironmentVariable does after its write).
 * The directory travels in the environment, never inside the script text.
 */
export const ADD_TO_USER_PATH = [
  '$ErrorActionPreference = "Stop"',
  '$d = $env:PGENTRA_BIN_DIR',
  "$k = [Microsoft.Win32.Registry]::CurrentUser.CreateSubKey('Environment')",
  "$raw = [string]$k.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)",
  "$norm = { param($p) [Environment]::ExpandEnvironmentVariables($p).TrimEnd('\\').ToLowerInvariant() }",
  "$have = @($raw -split ';' | Where-Object { $_ } | ForEach-Object { & $norm $_ })",
  'if ($have -notcontains (& $norm $d)) {',
  "  $new = $raw.TrimEnd(';'); if ($new) { $new += ';' }; $new += $d",
  "  $k.SetValue('Path', $new, [Microsoft.Win32.RegistryValueKind]::ExpandString)",
  '}',
  '$k.Close()',
  'Add-Type -Namespace Pgentra -Name Broadcast -MemberDefinition \'[DllImport("user32.dll", CharSet = CharSet.Unicode)] public static extern IntPtr SendMessageTimeout(IntPtr hWnd, uint msg, UIntPtr wParam, string lParam, uint flags, uint timeout, out UIntPtr result);\'',
  '$r = [UIntPtr]::Zero',
  // HWND_BROADCAST, WM_SETTINGCHANGE, SMTO_ABORTIFHUNG: a hung window must not hang the install.
  "[void][Pgentra.Broadcast]::SendMessageTimeout([IntPtr]0xffff, 0x1A, [UIntPtr]::Zero, 'Environment', 2, 5000, [ref]$r)",
].join('\n');

/**
 * Writes the launcher (atomically, 0755) and, on Windows, adds its directory to the user's PATH
 * ({@link ADD_TO_USER_PATH}).
 * Returns what the user should know: where it is and whether a new terminal will find it.
 */
export async function installCliShim(
  deps: { fs: FileSystem; processes: Processes },
  input: CliShimInput,
): Promise<{ file: string; message: string }> {
  const plan = planCliShim(input);
  const existing = await deps.fs.lstat(plan.file);
  if (existing) {
    const current = existing.isFile ? (await deps.fs.readFile(plan.file)).toString('utf8') : '';
    if (!current.includes(MARK))
      throw new CliShimError(
        `${plan.file} already exists and was not written by pgentra; remove it or rename it, then try again`,
      );
  }
  await deps.fs.mkdir(plan.directory, 0o755);
  await writeFileAtomic(deps.fs, plan.file, Buffer.from(plan.content, 'utf8'), {
    mode: 0o755,
    expect: existing,
  });
  if (plan.onPath) return { file: plan.file, message: `Installed ${plan.file}: run \`pgentra --help\`.` };

  if (input.platform === 'win32') {
    const result = await deps.processes.run({
      command: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', ADD_TO_USER_PATH],
      env: { ...input.env, PGENTRA_BIN_DIR: plan.directory },
    });
    if (result.exitCode !== 0)
      return {
        file: plan.file,
        message: `Installed ${plan.file}, but adding ${plan.directory} to your PATH failed; add it under Settings → System → About → Advanced system settings → Environment Variables.`,
      };
    return {
      file: plan.file,
      message: `Installed ${plan.file} and added ${plan.directory} to your PATH: open a new terminal and run \`pgentra --help\`.`,
    };
  }
  const profile = input.platform === 'darwin' ? '~/.zprofile' : '~/.profile';
  return {
    file: plan.file,
    message: `Installed ${plan.file}. ${plan.directory} is not on your PATH yet: add \`export PATH="$HOME/.local/bin:$PATH"\` to ${profile} and open a new terminal.`,
  };
}
