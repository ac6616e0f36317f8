// `pgentra agent` and `pgentra pgpass sync --watch`: the core's background services in the
// foreground, logging to stderr, until Ctrl-C or SIGTERM.
import { startBackground } from '../core/background.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { nodeFileSystem, systemClock } from '../core/node-ports.js';
import type { Pgentra } from '../core/pgentra.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

export async function runBackground(
  core: Pgentra,
  io: Io,
  options: { serveAgent: boolean },
): Promise<number> {
  const log = (message: string) => io.stderr(`${new Date().toISOString()} ${message}\n`);
  const background = await startBackground(core, {
    configDir: resolveConfigDir(io.env),
    env: io.env,
    serveAgent: options.serveAgent,
    owner: 'agent',
    log,
    clock: systemClock,
    fs: nodeFileSystem,
  });
  log(
    `keeping ${core.clusters().length} cluster(s) fresh${core.settings.pgpass.enabled ? ` in ${core.pgpassPath()}` : ''}; stop with Ctrl-C`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await background.stop();
  log('stopped');
  return ExitCode.ok;
}
