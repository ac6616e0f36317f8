// The view model the tray and the window share: one snapshot of clusters, accounts and settings,
// built from the core on every change. It carries state (expiresAt, status, error), never tokens.
import { adviceFor, describeFailure } from '../core/errors.js';
import type { ClusterStatus, ClusterView, Pgentra } from '../core/pgentra.js';
import type { AccountSnapshot, AppSnapshot, ClusterSnapshot } from '../shared/ipc-contract.js';
import type { ForwardSnapshot } from '../shared/forwards.js';
import { knownTerminalsFor } from '../shared/terminals.js';

export interface SnapshotSources {
  core: Pgentra;
  now: () => number;
  warnings: () => string[];
  /** Forwards open now (`pgentra ssh`, WSL) and what they fetched; none when no agent runs. */
  forwards?: () => ForwardSnapshot[];
}

export async function buildSnapshot(sources: SnapshotSources): Promise<AppSnapshot> {
  const { core } = sources;
  const accounts = await core.accounts().catch(() => []);
  const statuses = new Map((await core.status()).map((row) => [row.name, row]));
  const clusters = await Promise.all(
    core.clusters().map(async (cluster) => ({
      ...clusterSnapshot(cluster, statuses.get(cluster.name), core),
      tls: tlsSnapshot(core, cluster),
    })),
  );
  const settings = core.settings;
  const lines = core.configProblemLines();
  return {
    clusters,
    configProblems: core.configProblems().map((problem, index) => ({
      entry: problem.entry,
      field: problem.field,
      message: problem.message,
      clusterName: problem.clusterName ?? null,
      text: lines[index] ?? problem.message,
    })),
    accounts: accounts.map((a): AccountSnapshot => ({
      id: a.id,
      username: a.username,
      tenantId: a.tenantId,
      name: a.name ?? null,
    })),
    settings: {
      refreshMarginSec: settings.refreshMarginSec,
      pgpassEnabled: settings.pgpass.enabled,
      pgpassPath: settings.pgpass.path ?? null,
      effectivePgpassPath: core.pgpassPath(),
      clipboardClearSec: settings.clipboardClearSec,
      terminal: settings.terminal,
      knownTerminals: [...knownTerminalsFor(process.platform)],
      pgadminPath: settings.pgadminPath ?? null,
      clientId: settings.clientId,
      tenant: settings.tenant,
      startAtLogin: settings.startAtLogin,
      cloud: settings.cloud,
      clouds: core.cloudNames(),
    },
    now: sources.now(),
    warnings: sources.warnings(),
    forwards: sources.forwards?.() ?? [],
  };
}

function tlsSnapshot(core: Pgentra, cluster: ClusterView): ClusterSnapshot['tls'] {
  try {
    const { sslmode, sslrootcert, warning } = core.tlsFor(cluster);
    return { sslmode, rootCert: sslrootcert ?? null, warning: warning ?? null };
  } catch (error) {
    // A broken installation (no assets/tls) must not hide the cluster list: say it on the row.
    return { sslmode: 'verify-full', rootCert: null, warning: describeFailure(error).message };
  }
}

function clusterSnapshot(
  cluster: ClusterView,
  status: ClusterStatus | undefined,
  core: Pgentra,
): Omit<ClusterSnapshot, 'tls'> {
  const state = core.tokenState(cluster);
  return {
    name: cluster.name,
    host: cluster.host,
    port: cluster.port,
    database: cluster.database,
    user: cluster.user,
    loginUser: cluster.loginUser,
    group: cluster.group,
    kind: cluster.kind,
    cloud: cluster.cloud,
    account: status?.account ?? null,
    tenant: cluster.tenant ?? null,
    hostaddr: cluster.hostaddr ?? null,
    trustHost: cluster.trustHost ?? false,
    serverName: cluster.serverName ?? null,
    status: status?.state ?? 'pending',
    expiresAt: state?.expiresAt ?? null,
    lastRefreshAt: state?.lastRefreshAt ?? null,
    // Shown whatever the status: a failed refresh while the old token still works is exactly
    // when a person can still act before it runs out (it used to be hidden while "fresh").
    error: status?.error
      ? {
          kind: state?.lastError?.kind ?? 'unknown',
          message: status.error,
          advice: adviceFor(state?.lastError?.kind ?? 'unknown'),
          entraCode: status.entraCode,
          retryAt: state?.lastError ? (state.nextRefreshAt ?? null) : null,
        }
      : null,
  };
}
