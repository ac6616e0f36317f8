// macOS: Terminal or iTerm, opened on a self-deleting script through Launch Services.
import path from 'node:path';
import type { SpawnRequest } from '../../ports.js';
import { shQuote } from '../quoting.js';
import { envEntries, safeTitle, type TerminalPlan, type TerminalProgram } from './common.js';

export interface MacTerminal {
  kind: 'mac';
  app: 'Terminal' | 'iTerm';
}

export const MAC_DEFAULT_TERMINALS = ['Terminal'];

export const MAC_TERMINAL_HINT = 'Set the terminal to "Terminal" or "iTerm" in pgentra\'s settings.';

/** The app a terminal setting names (case-insensitive, with or without `.app`), or null. */
export function resolveMacTerminal(entry: string): MacTerminal | null {
  const lower = entry.toLowerCase();
  if (lower === 'terminal' || lower === 'terminal.app') return { kind: 'mac', app: 'Terminal' };
  if (lower === 'iterm' || lower === 'iterm2' || lower === 'iterm.app') return { kind: 'mac', app: 'iTerm' };
  return null;
}

/**
 * Terminal/iTerm start the script in a fresh login shell that has none of our environment, so the
 * script carries it. It deletes itself (and its private directory) first thing: the shell keeps
 * reading the open file, and nothing is left behind even if psql is killed.
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
export function macOpenCommand(app: MacTerminal['app'], script: string): SpawnRequest {
  return { command: '/usr/bin/open', args: ['-a', app, script], stdio: 'ignore' };
}

/** The script (0700, in `scriptDir`, a new private directory) and the `open -a` that runs it. */
export function macTerminalPlan(
  terminal: MacTerminal,
  program: TerminalProgram,
  options: { title: string; scriptDir: string },
): TerminalPlan {
  const { scriptDir, title } = options;
  const script = path.posix.join(scriptDir, `${safeTitle(title).replace(/[^A-Za-z0-9._-]/g, '-')}.command`);
  return {
    files: [
      {
        dir: scriptDir,
        path: script,
        content: macCommandScript(program, { dir: scriptDir, script, title }),
        mode: 0o700,
      },
    ],
    spawn: macOpenCommand(terminal.app, script),
  };
}
