import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra agent',
  summary:
    "Runs in the foreground without a desktop: refreshes every cluster's token ahead of expiry, keeps the pgpass file " +
    'fresh, and answers `pgentra token` in milliseconds over a private socket (only your OS user can reach it). ' +
    'The tray app does all this itself; use the agent on servers, over SSH, or as a systemd/launchd user service.',
  examples: ['pgentra agent', 'nohup pgentra agent >/dev/null 2>&1 &'],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, {}, help, io);
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const { runBackground } = await import('../background.js');
  return runBackground(core, io, { serveAgent: true });
}
