import { useMemo, useState } from 'react';
import type { AppSnapshot, ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { call, CallError, detailsOf, errorText, getApi } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';
import { formatAgo, formatClock, formatTimeLeft } from '../../components/countdown';
import { ErrorNotice } from '../../components/ErrorNotice';
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
  const [confirmDialog, confirm] = useConfirm();

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
      {confirmDialog}
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
                <ErrorNotice
                  testId="error"
                  {...inUserWords(cluster.error, secondsLeft)}
                  details={[cluster.error.message, cluster.error.entraCode].filter(Boolean).join('\n')}
                  action={
                    needsSignIn(cluster) ? (
                      <button
                        className="primary"
                        disabled={busy !== null}
                        onClick={() =>
                          act(cluster.name, 'sign-in', async () => {
                            const account = await call(api.signInBrowser());
                            return `Signed in as ${account.username}.`;
                          })
                        }
                      >
                        Sign in
                      </button>
                    ) : undefined
                  }
                />
              )}
              <div className="actions">
                {clusterActions(cluster, secondsLeft).map(([id, label, run]) => (
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
                  // Asked before the buttons go busy, so focus can return to this one on Cancel.
                  onClick={async () => {
                    const yes = await confirm({
                      title: `Remove ${cluster.name}?`,
                      body: `pgentra forgets ${cluster.name} and takes its token out of the pgpass file. Your sign-in and the server are not touched.`,
                      confirmLabel: 'Remove',
                      danger: true,
                    });
                    if (yes)
                      await act(cluster.name, 'remove', async () => {
                        await call(api.removeCluster(cluster.name));
                        return `Removed ${cluster.name}.`;
                      });
                  }}
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
function clusterActions(
  cluster: ClusterSnapshot,
  secondsLeft: number | null,
): [id: string, label: string, run: () => Promise<string | void>][] {
  const api = getApi();
  const { name } = cluster;
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
    [
      'refresh',
      'Refresh now',
      async () => {
        try {
          await call(api.refresh(name));
          return `Refreshed ${name}.`;
        } catch (error) {
          throw new Error(refreshFailed(name, error, secondsLeft), { cause: error });
        }
      },
    ],
  ];
}

/** The notice for a failed Refresh now: what happened and whether the old token still works. */
function refreshFailed(name: string, error: unknown, secondsLeft: number | null): string {
  const code = error instanceof CallError ? error.code : 'internal';
  const what =
    code === 'needs-sign-in'
      ? 'sign-in needed: use Sign in on its card'
      : code === 'unreachable'
        ? 'Entra ID did not answer'
        : 'see its card for details';
  const still =
    code !== 'needs-sign-in' && secondsLeft !== null && secondsLeft > 0
      ? ` The current token still works for ${formatMinutesLeft(secondsLeft)}; pgentra keeps retrying.`
      : '';
  return `Refresh of ${name} failed: ${what}.${still}`;
}

const SIGN_IN_KINDS = new Set(['needs-sign-in', 'interaction-required']);

function needsSignIn(cluster: ClusterSnapshot): boolean {
  return (
    cluster.status === 'needs-sign-in' ||
    cluster.status === 'no-account' ||
    SIGN_IN_KINDS.has(cluster.error?.kind ?? '')
  );
}

/** What went wrong, by kind, in the words of someone who just wants a working token. */
const WHAT_HAPPENED: Record<string, string> = {
  'needs-sign-in': 'Sign-in needed: your Entra sign-in expired or was revoked.',
  'interaction-required': 'Sign-in needed: your organisation wants you to sign in again (MFA or a policy).',
  network: 'Entra ID did not answer.',
  throttled: 'Entra ID asked pgentra to slow down.',
  config: 'Entra ID refused the app settings (client ID, tenant or cloud).',
  keychain: "The OS keychain that holds your sign-in can't be used.",
};

function inUserWords(
  error: NonNullable<ClusterSnapshot['error']>,
  secondsLeft: number | null,
): { summary: string; advice: string } {
  const signIn = SIGN_IN_KINDS.has(error.kind);
  const what = WHAT_HAPPENED[error.kind] ?? 'The token could not be refreshed.';
  const advice = signIn ? 'Sign in again; pgentra then keeps this token fresh by itself.' : error.advice;
  // The old token still opens connections: say how long, and when pgentra tries again.
  if (!signIn && secondsLeft !== null && secondsLeft > 0) {
    const retry = error.retryAt ? ` — retrying at ${formatClock(error.retryAt)}` : '';
    return {
      summary: `Refresh failed — ${formatMinutesLeft(secondsLeft)} left${retry}`,
      advice: `${what} ${advice}`,
    };
  }
  return { summary: what, advice };
}

function formatMinutesLeft(seconds: number): string {
  return seconds < 60 ? 'under a minute' : `${Math.floor(seconds / 60)} min`;
}
