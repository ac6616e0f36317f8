// The implementation of every IPC channel, free of Electron: the main process registers it with
// ipcMain (after its sender check), and the preview host serves the very same object over a
// loopback WebSocket, so Playwright exercises exactly what the app runs.
import { randomBytes } from 'node:crypto';
import {
  AuthError,
  describeFailure,
  failureDetailLines,
  PgentraError,
  shownAdvice,
  type FailureCategory,
} from '../../core/errors.js';
import type { ClusterView, Pgentra, SettingsChange } from '../../core/pgentra.js';
import type { FileDialog } from '../../core/ports.js';
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
import { createAzureHandlers } from './azure-handlers.js';

/** Where copies go: a secret is cleared again after a while, plain text stays. */
export interface ClipboardSink {
  copySecret(text: string, clearAfterSec: number): Promise<void>;
  copyPlain(text: string): Promise<void>;
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
  /** The OS file picker: the only source of the paths the window sets. */
  dialog: FileDialog;
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
  const saveSettings = async (change: SettingsChange) => {
    await core.updateSettings(change);
    if (change.startAtLogin !== undefined) deps.setStartAtLogin?.(change.startAtLogin);
    deps.broadcastSnapshot();
    return (await buildSnapshot(deps)).settings;
  };
  // A file picked in the picker that holds someone else's lines waits here for the person's yes;
  // the window only ever holds its id, never the path it would set.
  let pendingPgpass: { id: string; path: string } | undefined;

  return {
    ...createAzureHandlers({ core, added: async (name) => changed(await snapshotOf(name)) }),
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
      changed(null);
      // The engine records a failed refresh and keeps the old token; the person who pressed
      // Refresh now hears about it (the tray as a notification, the window as a notice).
      const targets = name === null ? core.clusters() : [core.cluster(name)];
      const failed = targets.map((cluster) => core.tokenState(cluster)?.lastError).find(Boolean);
      if (failed) throw new AuthError(failed.kind, failed.message, { entraCode: failed.entraCode });
      return null;
    },
    'clusters:copyToken': async (name) => {
      const { token } = await core.token(core.cluster(name), { minValidSec: 300, userAction: true });
      const clearsInSec = core.settings.clipboardClearSec;
      await deps.clipboard.copySecret(token, clearsInSec);
      return { clearsInSec };
    },
    'clusters:copyConnectionString': async (name) => {
      await deps.clipboard.copyPlain(await core.connectionString(name));
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
    'settings:update': (patch) => saveSettings(patch),
    'settings:choosePgpassFile': async () => {
      pendingPgpass = undefined;
      const file = await deps.dialog.saveFile({ title: 'pgpass file', defaultPath: core.pgpassPath() });
      if (!file) return { outcome: 'cancelled' };
      // pgentra rewrites the file it adopts (0600, its block first): another's lines need a yes.
      const { foreignLines, hasBlock } = await core.inspectPgpassFile(file);
      if (foreignLines > 0 && !hasBlock) {
        pendingPgpass = { id: randomBytes(16).toString('hex'), path: file };
        return { outcome: 'confirm', confirmId: pendingPgpass.id, path: file, foreignLines };
      }
      return { outcome: 'saved', settings: await saveSettings({ pgpassPath: file }) };
    },
    'settings:adoptPgpassFile': async (confirmId) => {
      const pending = pendingPgpass;
      if (pending?.id !== confirmId)
        throw new PgentraError(
          'config-change-invalid',
          'that pgpass file is no longer waiting for an answer: choose it again',
        );
      pendingPgpass = undefined;
      return saveSettings({ pgpassPath: pending.path });
    },
    'settings:choosePgadmin': async () => {
      const file = await deps.dialog.openFile({
        title: 'pgAdmin 4',
        ...(core.settings.pgadminPath ? { defaultPath: core.settings.pgadminPath } : {}),
      });
      return file ? saveSettings({ pgadminPath: file }) : null;
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
    const failure = describeFailure(error);
    const advice = shownAdvice(error);
    return {
      ok: false,
      code: IPC_CODE_BY_CATEGORY[failure.category],
      message: failure.message,
      ...(advice ? { advice } : {}),
      details: failureDetailLines(failure.details),
    };
  }
}
