// `pgentra agent --from-forward` on a remote: while the forward lives, the remote's pgpass file (and
// service file) hold fresh tokens for the clusters the desktop allows; when it ends (the ssh
// connection closed, the desktop quit, the relay died) or the keeper is stopped, the lines it
// brought are taken out again, so no token outlives the connection that brought it.
import { describeFailure } from './errors.js';
import type { ForwardClient } from './agent/forward-client.js';
import type { ForwardedCluster } from './agent/protocol.js';
import type { ForwardedFiles } from './forwarded-files.js';
import type { Clock } from './ports.js';

export interface KeeperDeps {
  client: ForwardClient;
  files: ForwardedFiles;
  clock: Clock;
  log: (message: string) => void;
  /** Also write a `[NAME]` per cluster into pg_service.conf. */
  services: boolean;
}

/** Asked of each token: long enough that a refresh comes well before it runs out. */
const MIN_VALID_SEC = 600;
/** A refresh this long before the earliest expiry (the desktop refreshes earlier still). */
const REFRESH_AHEAD_MS = 5 * 60_000;
const MIN_WAIT_MS = 30_000;
const MAX_WAIT_MS = 15 * 60_000;

export type KeeperEnd = 'forward-ended' | 'stopped';

/** Runs until the forward ends or `stop` resolves; the lines written are removed either way. */
export async function keepForwardedFiles(deps: KeeperDeps, stop: Promise<void>): Promise<KeeperEnd> {
  const { client, files, clock, log } = deps;
  const { label, clusters } = await client.clusters();
  log(
    `forward "${label}": keeping ${clusters.length} cluster(s) fresh in ${files.pgpassPath()}${deps.services ? ` and ${files.servicePath()}` : ''}`,
  );
  let cancel = (): void => undefined;
  let ended = false;
  const refresh = async (): Promise<number> => {
    const fetched: { cluster: ForwardedCluster; token: string; expiresAt: number }[] = [];
    for (const cluster of clusters) {
      try {
        fetched.push({ cluster, ...(await client.token(cluster.name, MIN_VALID_SEC)) });
      } catch (error) {
        const failure = describeFailure(error);
        log(`${cluster.name}: no token: ${failure.message}`);
        if (failure.code === 'forward-gone') return 0;
      }
    }
    if (ended) return 0;
    if (fetched.length > 0) {
      const { changed } = await files.writeTokens(fetched);
      if (changed) log(`pgpass: updated ${files.pgpassPath()} (${fetched.length} cluster(s))`);
    }
    const earliest = Math.min(...fetched.map((f) => f.expiresAt));
    const wait = earliest - REFRESH_AHEAD_MS - clock.now();
    return Number.isFinite(wait) ? Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, wait)) : MIN_WAIT_MS;
  };
  const schedule = (waitMs: number) => {
    cancel = clock.setTimeout(() => {
      refresh().then(schedule, (error: unknown) => {
        log(`refresh failed: ${describeFailure(error).message}`);
        schedule(MIN_WAIT_MS);
      });
    }, waitMs);
  };

  try {
    if (deps.services)
      for (const problem of await files.writeServices(clusters)) log(`service file: ${problem}`);
    schedule(await refresh());
    const how = await Promise.race([
      client.ended().then((): KeeperEnd => 'forward-ended'),
      stop.then((): KeeperEnd => 'stopped'),
    ]);
    return how;
  } finally {
    ended = true;
    cancel();
    const { changed } = await files.removeTokens(clusters);
    if (deps.services) await files.removeServices();
    log(
      `forward "${label}" ended: ${changed ? `removed its tokens from ${files.pgpassPath()}` : 'no tokens were left to remove'}`,
    );
  }
}
