import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage:
    'pgentra agent [--standby] [--install-service | --uninstall-service | --print-service]   |   pgentra agent --from-forward [--relay-command CMD [--socket PATH]] [--no-service-file]',
  summary:
    "Runs in the foreground without a desktop: refreshes every cluster's token ahead of expiry, keeps the pgpass file " +
    'fresh, and answers `pgentra token` in milliseconds over a private socket (only your OS user can reach it). ' +
    'The tray app does all this itself; use the agent on servers, over SSH, or as a user service: --install-service ' +
    'starts it now and at every login (a systemd user unit on Linux, a launchd LaunchAgent on macOS, a logon task on ' +
    'Windows), running this same pgentra. A unit or task pgentra did not write is never replaced or removed. ' +
    'On a machine reached with `pgentra ssh` (PGENTRA_AGENT set), --from-forward keeps its pgpass file and ' +
    'pg_service.conf fresh from your desktop instead, and takes those lines out when the connection ends; ' +
    '--relay-command makes the forward from a relay program first (WSL: `pgentra.exe wsl-relay`).',
  options: [
    [
      '--standby',
      'while the tray app (or another agent) serves tokens, wait, and take over when it stops (what the service runs)',
    ],
    ['--install-service', 'install (or update) the agent as your user service and start it'],
    ['--uninstall-service', 'stop the service and remove what --install-service wrote'],
    ['--print-service', 'print the unit --install-service would write, and the commands it would run'],
    [
      '--from-forward',
      "keep this machine's pgpass file fresh from the forward PGENTRA_AGENT names, until it ends",
    ],
    ['--relay-command CMD', 'with --from-forward: serve the forward on a socket here, relaying to CMD (WSL)'],
    ['--socket PATH', 'with --relay-command: where (default: $PGENTRA_AGENT, else the runtime folder)'],
    ['--no-service-file', 'with --from-forward: leave pg_service.conf alone'],
  ],
  examples: [
    'pgentra agent',
    'nohup pgentra agent >/dev/null 2>&1 &',
    'pgentra agent --install-service',
    'pgentra agent --print-service',
    'pgentra agent --from-forward &',
    "pgentra agent --from-forward --relay-command 'pgentra.exe wsl-relay'",
  ],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'install-service': { type: 'boolean' },
      'uninstall-service': { type: 'boolean' },
      'print-service': { type: 'boolean' },
      standby: { type: 'boolean' },
      'from-forward': { type: 'boolean' },
      'relay-command': { type: 'string' },
      socket: { type: 'string' },
      'no-service-file': { type: 'boolean' },
    },
    help,
    io,
  );
  if (!parsed) return ExitCode.ok;
  const chosen = (['install-service', 'uninstall-service', 'print-service'] as const).filter(
    (flag) => parsed.values[flag],
  );
  if (chosen.length > 1) throw usageError(`choose one of --${chosen.join(', --')}`, `Usage: ${help.usage}`);
  if (chosen[0]) return serviceCommand(chosen[0], io);
  const { values } = parsed;
  if (values['from-forward']) {
    const { runFromForward } = await import('../from-forward.js');
    return runFromForward(io, {
      relayCommand: values['relay-command'],
      socket: values.socket,
      serviceFile: !values['no-service-file'],
    });
  }
  const stray = (['relay-command', 'socket', 'no-service-file'] as const).find(
    (flag) => values[flag] !== undefined,
  );
  if (stray) throw usageError(`--${stray} goes with --from-forward`, `Usage: ${help.usage}`);
  const core = await openCore(io);
  const { runBackground } = await import('../background.js');
  return runBackground(core, io, { serveAgent: true, standby: values.standby === true });
}

async function serviceCommand(
  action: 'install-service' | 'uninstall-service' | 'print-service',
  io: Io,
): Promise<number> {
  const [os, { resolveConfigDir }, service, { createNodeProcesses, nodeFileSystem }, { selfCommand }] =
    await Promise.all([
      import('node:os'),
      import('../../core/config-dir.js'),
      import('../../core/agent/service-unit.js'),
      import('../../core/node-ports.js'),
      import('../self-command.js'),
    ]);
  const input = {
    platform: process.platform,
    homedir: os.homedir(),
    env: io.env,
    configDir: resolveConfigDir(io.env),
    pgentraCommand: selfCommand({ env: io.env, warn: (text) => io.stderr(`pgentra: warning: ${text}\n`) }),
    uid: process.getuid?.(),
  };
  if (action === 'print-service') {
    const plan = service.planService(input);
    io.stdout(`# ${plan.file}\n${plan.text.replace(/\r\n/g, '\n')}`);
    const steps = plan.install.map((step) => `  ${service.commandLine(step, process.platform)}`);
    io.stderr(`--install-service writes that file, then runs:\n${steps.join('\n')}\n`);
    return ExitCode.ok;
  }
  const deps = { fs: nodeFileSystem, processes: createNodeProcesses({ env: io.env }) };
  const lines =
    action === 'install-service'
      ? await service.installService(deps, input)
      : await service.uninstallService(deps, input);
  io.stderr(lines.map((line) => `${line}\n`).join(''));
  return ExitCode.ok;
}
