import { useMemo, useState } from 'react';
import type { AppSnapshot, ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { formatAgo, formatTimeLeft } from '../../components/countdown';
import { useNow } from '../../components/useNow';

const STATUS_LABEL: Record<ClusterSnapshot['status'], string> = {
  pending: 'waiting',
  fresh: 'fresh',
  refreshing: 'refreshing…',
  expiring: 'refresh due',
  expired: 'expired',
  'needs-sign-in': 'sign-in needed',
  error: 'error',
  'no-account': 'no account',
};

interface Props {
  snapshot: AppSnapshot;
  onEdit: (cluster: ClusterSnapshot) => void;
  onNotice: (message: string, isError?: boolean, details?: readonly string[]) => void;
}

/** Entries of config.json pgentra set aside as invalid: kept in the file, shown until fixed. */
function ConfigProblems({ snapshot, onNotice }: Pick<Props, 'snapshot' | 'onNotice'>) {
  if (snapshot.configProblems.length === 0) return null;
  return (
    <ul className="config-problems" aria-label="Invalid entries in config.json">
      {snapshot.configProblems.map((problem) => (
        <li key={problem.entry} className="warning" role="alert">
          {problem.text}
          {problem.clusterName !== null && (
            <button
              className="danger"
              onClick={() => {
                const name = problem.clusterName ?? '';
                if (!window.confirm(`Remove the invalid cluster ${name} from config.json?`)) return;
                call(getApi().removeCluster(name)).then(
                  () => onNotice(`Removed ${name}.`),
                  (error: unknown) => onNotice(errorText(error), true, detailsOf(error)),
                );
              }}
            >
              Remove
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ClusterList({ snapshot, onEdit, onNotice }: Props) {
  // The main process's clock minus ours, measured once per snapshot (as it arrives). Computed on
  // every render instead, it cancelled the passing time: the countdown stood still.
  const offsetMs = useMemo(() => snapshot.now - Date.now(), [snapshot.now]);
  const now = useNow(offsetMs);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (name: string, label: string, work: () => Promise<string | void>) => {
    setBusy(`${name}:${label}`);
    try {
      const message = await work();
      if (message) onNotice(message);
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
    } finally {
      setBusy(null);
    }
  };

  if (snapshot.clusters.length === 0) {
    return (
      <>
        <ConfigProblems snapshot={snapshot} onNotice={onNotice} />
        <p className="empty">
          No clusters yet. Add one below: paste its host name and pgentra works out the rest.
        </p>
      </>
    );
  }

  return (
    <>
      <ConfigProblems snapshot={snapshot} onNotice={onNotice} />
      <ul className="clusters" aria-label="Clusters">
        {snapshot.clusters.map((cluster) => {
          const secondsLeft = cluster.expiresAt
            ? Math.max(0, Math.floor((cluster.expiresAt - now) / 1000))
            : null;
          const api = getApi();
          return (
            <li
              key={cluster.name}
              className={`cluster status-${cluster.status}`}
              data-testid={`cluster-${cluster.name}`}
            >
              <div className="cluster-head">
                <h3>{cluster.name}</h3>
                <span className="badge" data-testid="status">
                  {STATUS_LABEL[cluster.status]}
                </span>
                <span
                  className="countdown"
                  data-testid="countdown"
                  role="timer"
                  aria-label={`time left: ${secondsLeft === null ? 'no token yet' : formatTimeLeft(secondsLeft)}`}
                  title={cluster.expiresAt ? new Date(cluster.expiresAt).toLocaleString() : undefined}
                >
                  {secondsLeft === null ? '—' : formatTimeLeft(secondsLeft)}
                </span>
              </div>
              <div className="cluster-meta">
                {cluster.kind} · {cluster.host}:{cluster.port} · {cluster.database} · {cluster.loginUser}
                {cluster.group ? ' (group)' : ''}
                {cluster.tenant ? ` · tenant ${cluster.tenant}` : ''}
                {cluster.lastRefreshAt ? ` · refreshed ${formatAgo(now - cluster.lastRefreshAt)}` : ''}
              </div>
              <div className="cluster-meta" data-testid="tls">
                {cluster.tls.sslmode === 'verify-full'
                  ? `TLS verify-full: the server is checked against ${cluster.tls.rootCert ?? 'the root certificates'}`
                  : `Warning: ${cluster.tls.warning ?? 'the server is not verified'}`}
              </div>
              {cluster.error && (
                <div className="cluster-error" role="alert" data-testid="error">
                  <strong>{cluster.error.message}</strong>
                  {cluster.error.entraCode ? <code> {cluster.error.entraCode}</code> : null}
                  <div>{cluster.error.advice}</div>
                </div>
              )}
              <div className="actions">
                {clusterActions(cluster.name).map(([id, label, run]) => (
                  <button key={id} disabled={busy !== null} onClick={() => act(cluster.name, id, run)}>
                    {label}
                  </button>
                ))}
                <button disabled={busy !== null} onClick={() => onEdit(cluster)}>
                  Edit
                </button>
                <button
                  className="danger"
                  disabled={busy !== null}
                  onClick={() =>
                    act(cluster.name, 'remove', async () =>
                      window.confirm(`Remove ${cluster.name}?`)
                        ? (await call(api.removeCluster(cluster.name)), `Removed ${cluster.name}.`)
                        : undefined,
                    )
                  }
                >
                  Remove
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** The buttons every cluster row has, in order: what each is called and what it tells the user. */
function clusterActions(name: string): [id: string, label: string, run: () => Promise<string | void>][] {
  const api = getApi();
  return [
    [
      'copy',
      'Copy token',
      async () =>
        `Token copied; it leaves the clipboard in ${(await call(api.copyToken(name))).clearsInSec} s.`,
    ],
    ['psql', 'Open psql', async () => void (await call(api.openPsql(name)))],
    ['pgadmin', 'Open in pgAdmin', async () => (await call(api.openPgadmin(name))).message],
    [
      'conn',
      'Copy connection string',
      async () => (
        await call(api.copyConnectionString(name)),
        'Connection string copied (it contains no token).'
      ),
    ],
    ['refresh', 'Refresh now', async () => void (await call(api.refresh(name)))],
  ];
}
