// `pgentra agent` and `pgentra pgpass sync --watch`: the core's background services in the
// foreground, logging to stderr, until Ctrl-C or SIGTERM.
import { agentServing, serverEndpoint } from '../core/agent/server.js';
import { startBackground } from '../core/background.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { nodeFileSystem, systemClock } from '../core/node-ports.js';
import type { Pgentra } from '../core/pgentra.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

/** How often `pgentra agent --standby` looks whether the pgentra serving tokens has gone. */
export const STANDBY_CHECK_MS = 10_000;

export async function runBackground(
  core: Pgentra,
  io: Io,
  options: { serveAgent: boolean; standby?: boolean },
): Promise<number> {
  const log = (message: string) => io.stderr(`${new Date().toISOString()} ${message}\n`);
  let stopRequested = false;
  const stop = new Promise<void>((resolve) => {
    const onSignal = () => {
      stopRequested = true;
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  if (options.standby) {
    const endpoint = await serverEndpoint(resolveConfigDir(io.env), io.env);
    let waiting = false;
    for (let other = await agentServing(endpoint); other; other = await agentServing(endpoint)) {
      if (!waiting)
        log(
          `${other.message}. Standing by: this agent starts when that one stops (checked every ${STANDBY_CHECK_MS / 1000} s).`,
        );
      waiting = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stop, new Promise((resolve) => (timer = setTimeout(resolve, STANDBY_CHECK_MS)))]);
      clearTimeout(timer);
      if (stopRequested) {
        log('stopped');
        return ExitCode.ok;
      }
    }
  }
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
  await stop;
  await background.stop();
  log('stopped');
  return ExitCode.ok;
}
