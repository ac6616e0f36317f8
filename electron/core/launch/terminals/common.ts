// What every OS recipe for "a new terminal window running a program" shares: the program, the
// plan a recipe returns, and the checks on what reaches the window's title and environment.
import type { SpawnRequest } from '../../ports.js';
import { assertEnvName } from '../quoting.js';
import { LaunchError } from '../errors.js';

/** A program to run in the window: an absolute command, its argv, and env changes (undefined removes). */
export interface TerminalProgram {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

/** Everything needed to open the window, as data. */
export interface TerminalPlan {
  /** Files to write first (macOS script), each in its own new private directory. */
  files: { dir: string; path: string; content: string; mode: number }[];
  spawn: SpawnRequest;
}

/** The program's env changes, every name and value checked: they end up in a shell or in argv. */
export function envEntries(program: TerminalProgram): [string, string | undefined][] {
  const entries = Object.entries(program.env);
  for (const [name, value] of entries) {
    assertEnvName(name);
    if (value?.includes('\0')) throw new LaunchError('unsafe-value', `${name} contains a NUL character`);
  }
  return entries;
}

/** Window title: only characters no terminal or shell treats specially. */
export function safeTitle(title: string): string {
  return title.replace(/[^A-Za-z0-9 ._:-]/g, '_').slice(0, 80) || 'pgentra';
}
