// What a cluster's buttons and menu items do, and what each tells the person afterwards; and its
// last error in the words of someone who just wants a working token.
import type { ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { call, CallError, getApi } from '../../api/client';
import { formatClock } from '../../components/countdown';

export type ActionId = 'psql' | 'pgadmin' | 'refresh' | 'conn' | 'copy';

export interface ClusterAction {
  id: ActionId;
  label: string;
  /** Shown on the button while it runs. */
  busyLabel: string;
  run: () => Promise<string | void>;
}

/** Every action a cluster has, by id. */
export function clusterActions(
  cluster: ClusterSnapshot,
  secondsLeft: number | null,
): Record<ActionId, ClusterAction> {
  const api = getApi();
  const { name } = cluster;
  return {
    psql: {
      id: 'psql',
      label: 'Open psql',
      busyLabel: 'Opening psql…',
      run: async () => void (await call(api.openPsql(name))),
    },
    pgadmin: {
      id: 'pgadmin',
      label: 'Open in pgAdmin',
      busyLabel: 'Opening pgAdmin…',
      run: async () => (await call(api.openPgadmin(name))).message,
    },
    refresh: {
      id: 'refresh',
      label: 'Refresh now',
      busyLabel: 'Refreshing…',
      run: async () => {
        try {
          await call(api.refresh(name));
          return `Refreshed ${name}.`;
        } catch (error) {
          throw new Error(refreshFailed(name, error, secondsLeft), { cause: error });
        }
      },
    },
    conn: {
      id: 'conn',
      label: 'Copy connection string',
      busyLabel: 'Copying…',
      run: async () => (
        await call(api.copyConnectionString(name)),
        'Connection string copied (it contains no token).'
      ),
    },
    copy: {
      id: 'copy',
      label: 'Copy token',
      busyLabel: 'Copying…',
      run: async () =>
        `Token copied; it leaves the clipboard in ${(await call(api.copyToken(name))).clearsInSec} s.`,
    },
  };
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

export function needsSignIn(cluster: ClusterSnapshot): boolean {
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

/** The error in a person's words; `stillWorks` when the old token still opens connections. */
export function inUserWords(
  error: NonNullable<ClusterSnapshot['error']>,
  secondsLeft: number | null,
): { summary: string; advice: string; stillWorks: boolean } {
  const signIn = SIGN_IN_KINDS.has(error.kind);
  const what = WHAT_HAPPENED[error.kind] ?? 'The token could not be refreshed.';
  const advice = signIn ? 'Sign in again; pgentra then keeps this token fresh by itself.' : error.advice;
  // The old token still opens connections: say how long, and when pgentra tries again.
  if (!signIn && secondsLeft !== null && secondsLeft > 0) {
    const retry = error.retryAt ? ` — retrying at ${formatClock(error.retryAt)}` : '';
    return {
      summary: `Refresh failed — ${formatMinutesLeft(secondsLeft)} left${retry}`,
      advice: `${what} ${advice}`,
      stillWorks: true,
    };
  }
  return { summary: what, advice, stillWorks: false };
}

function formatMinutesLeft(seconds: number): string {
  return seconds < 60 ? 'under a minute' : `${Math.floor(seconds / 60)} min`;
}
