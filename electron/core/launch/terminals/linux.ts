// Linux (and other X11/Wayland desktops): any terminal emulator on PATH, known ones by their own
// flags, others as a custom `command args…` entry whose args come before the program.
import type { LinuxTerminalName } from '../../../shared/terminals.js';
import type { Processes, SpawnRequest } from '../../ports.js';
import { envEntries, safeTitle, type TerminalProgram } from './common.js';

/**
 * How a known Linux terminal takes a window title and the program to run (rest of argv). Keyed by
 * the shared list the window offers: a terminal added to one and not the other does not compile.
 */
export const LINUX_TERMINALS: Readonly<
  Record<LinuxTerminalName, { titleArgs: (title: string) => string[]; execArgs: string[] }>
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

export const LINUX_DEFAULT_TERMINALS = ['x-terminal-emulator', 'gnome-terminal', 'konsole', 'xterm'];

export const LINUX_TERMINAL_HINT =
  'Install one (Debian/Ubuntu: `sudo apt install xterm`; Fedora: `sudo dnf install xterm`) or add yours, e.g. "alacritty", to the terminal list in pgentra\'s settings.';

/** `extraArgs`: for a custom entry (`command args…`), what goes before the program. */
export interface LinuxTerminal {
  kind: 'linux';
  name: string;
  command: string;
  extraArgs: string[];
}

function knownTerminal(name: string) {
  return Object.hasOwn(LINUX_TERMINALS, name) ? LINUX_TERMINALS[name as LinuxTerminalName] : undefined;
}

/** A known name, or a custom `command args…`, found on PATH; null when it is not installed. */
export async function resolveLinuxTerminal(
  processes: Processes,
  entry: string,
): Promise<LinuxTerminal | null> {
  const [name = entry, ...extraArgs] = knownTerminal(entry) ? [entry] : entry.split(/\s+/);
  const command = await processes.which(name);
  return command ? { kind: 'linux', name: entry, command, extraArgs } : null;
}

// Keeps the window open when psql fails (bad connection), so the error can be read; a normal
// `\q` closes it. The program arrives as "$@", so no part of it is ever parsed as shell text.
const LINUX_WRAPPER =
  '"$@"; status=$?; if [ "$status" -ne 0 ]; then printf "\\n[%s exited with status %s. Press Enter to close.]" "$1" "$status"; read -r _; fi; exit "$status"';

/**
 * `<terminal> [title] <exec flag> env -u VAR K=V /bin/sh -c WRAPPER sh <program…>`. The
 * environment goes in argv through env(1) because single-process terminals (gnome-terminal,
 * tilix) start new windows from their server's environment, not ours.
 */
export function linuxTerminalCommand(
  terminal: LinuxTerminal,
  program: TerminalProgram,
  options: { title: string; envCommand?: string; shell?: string },
): SpawnRequest {
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
