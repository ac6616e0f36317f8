// The implementation of every IPC channel, free of Electron: the main process registers it with
// ipcMain (after its sender check), and the preview host serves the very same object over a
// loopback WebSocket, so Playwright exercises exactly what the app runs.
import { describeFailure, failureText, type FailureCategory } from '../../core/errors.js';
import type { ClusterView, Pgentra } from '../../core/pgentra.js';
import {
  parseArgs,
  type Channel,
  type ChannelArgs,
  type ChannelResult,
  type DeviceCodeInfo,
  type ErrorCode,
  type Result,
  type SignInFinished,
} from '../../shared/ipc-contract.js';
import { buildSnapshot } from '../snapshot.js';

/** Where copies go: a secret is cleared again after a while, plain text stays. */
export interface ClipboardSink {
  copySecret(text: string, clearAfterSec: number): void;
  copyPlain(text: string): void;
}

export interface HandlerDeps {
  core: Pgentra;
  clipboard: ClipboardSink;
  now: () => number;
  /** Opens psql in a new terminal window; resolves once it started. */
  openPsql: (cluster: ClusterView) => Promise<void>;
  /** Imports the cluster into pgAdmin and launches it; resolves with what happened, for the user. */
  openPgadmin: (cluster: ClusterView) => Promise<string>;
  /** Tells every window the state changed. */
  broadcastSnapshot: () => void;
  signInFinished: (event: SignInFinished) => void;
  setStartAtLogin?: (enabled: boolean) => void;
  /** Puts a `pgentra` launcher on the user's PATH; resolves with what the user should know. */
  installCli: () => Promise<string>;
  warnings: () => string[];
}

type Handlers = { [C in Channel]: (...args: ChannelArgs<C>) => Promise<ChannelResult<C>> };

/** The one place a failure category becomes the window's error code. */
export const IPC_CODE_BY_CATEGORY = {
  'needs-sign-in': 'needs-sign-in',
  unreachable: 'unreachable',
  config: 'config',
  'not-found': 'not-found',
  'invalid-input': 'invalid-argument',
  'local-file': 'config',
  launch: 'config',
  internal: 'internal',
} as const satisfies Record<FailureCategory, ErrorCode>;

export function createHandlers(deps: HandlerDeps): Handlers {
  const { core } = deps;
  const snapshotOf = async (name: string) => {
    const snapshot = await buildSnapshot(deps);
    const cluster = snapshot.clusters.find((c) => c.name === name);
    if (!cluster) throw new Error(`cluster ${name} vanished`);
    return cluster;
  };
  const changed = <T>(value: T): T => {
    deps.broadcastSnapshot();
    return value;
  };

  return {
    'app:snapshot': () => buildSnapshot(deps),
    'clusters:preview': async (form, editing) => core.previewCluster(form, editing ?? undefined),
    'clusters:add': async (form) => {
      const cluster = await core.addCluster(form);
      await core.trackClusters();
      return changed(await snapshotOf(cluster.name));
    },
    'clusters:update': async (name, form) => {
      const cluster = await core.updateCluster(name, form);
      await core.trackClusters();
      return changed(await snapshotOf(cluster.name));
    },
    'clusters:remove': async (name) => {
      await core.removeCluster(name);
      await core.trackClusters();
      return changed(null);
    },
    'clusters:refresh': async (name) => {
      await core.refresh(name ?? undefined);
      return changed(null);
    },
    'clusters:copyToken': async (name) => {
      const { token } = await core.token(core.cluster(name), { minValidSec: 300, userAction: true });
      const clearsInSec = core.settings.clipboardClearSec;
      deps.clipboard.copySecret(token, clearsInSec);
      return { clearsInSec };
    },
    'clusters:copyConnectionString': async (name) => {
      deps.clipboard.copyPlain(await core.connectionString(name));
      return null;
    },
    'clusters:openPsql': async (name) => {
      const cluster = core.cluster(name);
      await core.connectionTarget(name, { ensureToken: true });
      await deps.openPsql(cluster);
      return null;
    },
    'clusters:openPgadmin': async (name) => ({ message: await deps.openPgadmin(core.cluster(name)) }),
    'accounts:signInBrowser': async () => {
      const account = await core.signIn({ method: 'browser', onDeviceCode: () => undefined });
      await core.trackClusters();
      return changed({
        id: account.id,
        username: account.username,
        tenantId: account.tenantId,
        name: account.name ?? null,
      });
    },
    'accounts:signInDeviceCode': () =>
      new Promise<DeviceCodeInfo>((resolve, reject) => {
        let shown = false;
        core
          .signIn({
            method: 'device-code',
            onDeviceCode: (prompt) => {
              shown = true;
              resolve({
                message: prompt.message,
                userCode: prompt.userCode,
                verificationUri: prompt.verificationUri,
              });
            },
          })
          .then(
            async (account) => {
              await core.trackClusters();
              deps.broadcastSnapshot();
              deps.signInFinished({ ok: true, message: `Signed in as ${account.username}.` });
            },
            (error: unknown) => {
              const message = error instanceof Error ? error.message : String(error);
              if (shown) deps.signInFinished({ ok: false, message });
              else reject(error);
            },
          );
      }),
    'accounts:signOut': async (accountId) => {
      await core.signOut(accountId);
      await core.trackClusters();
      return changed(null);
    },
    'app:installCli': async () => ({ message: await deps.installCli() }),
    'settings:update': async (patch) => {
      await core.updateSettings(patch);
      if (patch.startAtLogin !== undefined) deps.setStartAtLogin?.(patch.startAtLogin);
      deps.broadcastSnapshot();
      return (await buildSnapshot(deps)).settings;
    },
  };
}

/** Validates raw arguments with the contract, runs the handler, and never throws. */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawArgs: unknown,
): Promise<Result<unknown>> {
  if (!Object.hasOwn(handlers, channel))
    return { ok: false, code: 'invalid-argument', message: `unknown channel ${channel}` };
  const known = channel as Channel;
  const parsed = parseArgs(known, rawArgs);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[known] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, value: await handler(...(parsed.value as unknown[])) };
  } catch (error) {
    return {
      ok: false,
      code: IPC_CODE_BY_CATEGORY[describeFailure(error).category],
      message: failureText(error),
    };
  }
}
