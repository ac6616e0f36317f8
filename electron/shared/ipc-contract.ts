// The one contract between the renderer and the main process (and the preview host, which serves
// the same channels over a loopback WebSocket). Each channel '<domain>:<verb>' has a zod schema
// for its arguments and a result type; handlers answer `{ ok: true, value } | { ok: false, code,
// message }`. Nothing here is platform-specific, and no result ever carries a token.
import { z } from 'zod';
import { clusterNameSchema } from './cluster-name.js';
import { serverNameSchema } from './server-name.js';
import { settingsPatchSchema, type SettingsPatch } from './settings.js';
import type { ForwardSnapshot } from './forwards.js';
import type { ClusterTokenStatus } from './token-status.js';
import {
  addFromAzureSchema,
  azureScopeSchema,
  confirmIdSchema,
  firewallRuleNameSchema,
  type AzureChecksSnapshot,
  type AzureDiscoverySnapshot,
  type FirewallPlanSnapshot,
} from './azure-types.js';

export const clusterKindSchema = z.enum(['flexible', 'single', 'cosmos']);
export type ClusterKind = z.infer<typeof clusterKindSchema>;

export const clusterFormSchema = z.object({
  name: clusterNameSchema,
  host: z.string().trim().min(1, 'the host is required').max(255),
  port: z.number().int().min(1).max(65535).optional(),
  database: z.string().min(1).max(63).optional(),
  user: z.string().min(1).max(1024).optional(),
  group: z.boolean().optional(),
  kind: clusterKindSchema.optional(),
  cloud: z.string().min(1).max(64).optional(),
  account: z.string().min(1).max(256).optional(),
  /** The server's tenant for guest access; null clears it (absent keeps it when editing). */
  tenant: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'a tenant ID or a domain like contoso.com')
    .nullable()
    .optional(),
  /** Send tokens to a host outside the cloud's PostgreSQL host names (the form says what that means). */
  trustHost: z.boolean().optional(),
  /** Single Server's name for `user@servername` when the host is an IP or a custom DNS name; null clears it. */
  serverName: serverNameSchema.nullable().optional(),
});
export type ClusterForm = z.infer<typeof clusterFormSchema>;

export interface ClusterSnapshot {
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  loginUser: string;
  group: boolean;
  kind: ClusterKind;
  cloud: string;
  account: string | null;
  /** Set for guest access to a server in another tenant. */
  tenant: string | null;
  status: ClusterTokenStatus;
  /** Epoch ms; the renderer counts down from it locally. */
  expiresAt: number | null;
  lastRefreshAt: number | null;
  /**
   * The last failed refresh, also while the old token still works (status `fresh` or `expiring`):
   * a person must see it before the token runs out. `retryAt` (epoch ms) is when pgentra tries
   * again by itself; null when it waits for a person (a sign-in).
   */
  error: {
    kind: string;
    message: string;
    advice: string;
    entraCode: string | null;
    retryAt: number | null;
  } | null;
  /**
   * How psql, pgAdmin and `pgentra env` connect: verify-full with these root certificates (a file
   * or `system`), or require when the cluster opted out; `warning` says why the server is not
   * verified (show it), null when it is.
   */
  tls: { sslmode: 'verify-full' | 'require'; rootCert: string | null; warning: string | null };
  /** The IP a private endpoint is reached at (the certificate is still checked against host). */
  hostaddr: string | null;
  /** The user trusted a host outside the cloud's PostgreSQL host names. */
  trustHost: boolean;
  /** Single Server's name for the login, when given apart from the host. */
  serverName: string | null;
}

export interface AccountSnapshot {
  id: string;
  username: string;
  tenantId: string;
  name: string | null;
}

export interface SettingsSnapshot {
  refreshMarginSec: number;
  pgpassEnabled: boolean;
  pgpassPath: string | null;
  effectivePgpassPath: string;
  clipboardClearSec: number;
  terminal: string[];
  /** The terminals the window may offer on this OS (anything else only through config.json). */
  knownTerminals: string[];
  pgadminPath: string | null;
  clientId: string;
  tenant: string;
  startAtLogin: boolean;
  cloud: string;
  clouds: string[];
}

/** An entry of config.json set aside as invalid: kept in the file verbatim, shown until fixed. */
export interface ConfigProblemSnapshot {
  /** `clusters[2]`, `settings.tenant`, … */
  entry: string;
  /** The field at fault, e.g. `clusters[2].port`. */
  field: string;
  message: string;
  /** The cluster's name, when the entry is a cluster that has one. */
  clusterName: string | null;
  /** The whole sentence with the fix, as the CLI prints it. */
  text: string;
}

export interface AppSnapshot {
  clusters: ClusterSnapshot[];
  /** Invalid entries of config.json; the rest of the snapshot is built without them. */
  configProblems: ConfigProblemSnapshot[];
  accounts: AccountSnapshot[];
  settings: SettingsSnapshot;
  /** Wall-clock ms in the main process when the snapshot was taken (to correct renderer clock skew). */
  now: number;
  warnings: string[];
  /** Forwards to other machines open now (`pgentra ssh`, WSL) and what came through them; no tokens. */
  forwards: ForwardSnapshot[];
}

export interface ClusterPreview {
  kind: ClusterKind | null;
  cloud: string | null;
  loginUser: string | null;
  problems: { field: string; message: string }[];
}

/**
 * What choosing a pgpass file in the picker did: nothing (cancelled), saved it, or nothing yet
 * because the file holds lines pgentra did not write: the window asks, and confirms with the id.
 */
export type PgpassChoice =
  | { outcome: 'cancelled' }
  | { outcome: 'saved'; settings: SettingsSnapshot }
  | { outcome: 'confirm'; confirmId: string; path: string; foreignLines: number };

export interface DeviceCodeInfo {
  message: string;
  userCode: string;
  verificationUri: string;
}

/** What each channel answers with (inside a Result). Types only: nothing at run time reads them. */
export interface ChannelResults {
  'app:snapshot': AppSnapshot;
  'clusters:preview': ClusterPreview;
  'clusters:add': ClusterSnapshot;
  'clusters:update': ClusterSnapshot;
  'clusters:remove': null;
  'clusters:refresh': null;
  'clusters:copyToken': { clearsInSec: number };
  'clusters:copyConnectionString': null;
  'clusters:openPsql': null;
  'clusters:openPgadmin': { message: string };
  'accounts:signInBrowser': AccountSnapshot;
  'accounts:signInDeviceCode': DeviceCodeInfo;
  'accounts:signOut': null;
  'settings:update': SettingsSnapshot;
  'settings:choosePgpassFile': PgpassChoice;
  'settings:adoptPgpassFile': SettingsSnapshot;
  /** null: cancelled. */
  'settings:choosePgadmin': SettingsSnapshot | null;
  'app:installCli': { message: string };
  'azure:discover': AzureDiscoverySnapshot;
  'azure:addCluster': ClusterSnapshot;
  'azure:checks': AzureChecksSnapshot;
  'azure:planAllowMyIp': FirewallPlanSnapshot;
  /** What was added; null when a rule already let the IP in. */
  'azure:allowMyIp': { server: string; rule: string } | null;
  'azure:removeFirewallRule': { server: string; rule: string; removed: boolean };
}

const noArgs = z.tuple([]);

// `satisfies` keeps the two lists in step: a channel without a result type, or a result type
// without a channel, does not compile.
export const channels = {
  'app:snapshot': { args: noArgs },
  // The second argument names the cluster being edited: its own name is not a duplicate. Null
  // when adding (the preview bridge's JSON turns a trailing undefined into null).
  'clusters:preview': { args: z.tuple([clusterFormSchema.partial(), clusterNameSchema.nullish()]) },
  'clusters:add': { args: z.tuple([clusterFormSchema]) },
  'clusters:update': { args: z.tuple([clusterNameSchema, clusterFormSchema]) },
  'clusters:remove': { args: z.tuple([clusterNameSchema]) },
  'clusters:refresh': { args: z.tuple([clusterNameSchema.nullable()]) },
  'clusters:copyToken': { args: z.tuple([clusterNameSchema]) },
  'clusters:copyConnectionString': { args: z.tuple([clusterNameSchema]) },
  'clusters:openPsql': { args: z.tuple([clusterNameSchema]) },
  'clusters:openPgadmin': { args: z.tuple([clusterNameSchema]) },
  'accounts:signInBrowser': { args: noArgs },
  'accounts:signInDeviceCode': { args: noArgs },
  'accounts:signOut': { args: z.tuple([z.string().min(1).max(512)]) },
  'settings:update': { args: z.tuple([settingsPatchSchema]) },
  // No path crosses from the window: the main process opens the picker and keeps what was chosen.
  'settings:choosePgpassFile': { args: noArgs },
  'settings:adoptPgpassFile': {
    args: z.tuple([z.string().regex(/^[0-9a-f]{32}$/, 'not a confirmation id')]),
  },
  'settings:choosePgadmin': { args: noArgs },
  'app:installCli': { args: noArgs },
  'azure:discover': { args: z.tuple([azureScopeSchema]) },
  'azure:addCluster': { args: z.tuple([addFromAzureSchema]) },
  'azure:checks': { args: z.tuple([clusterNameSchema]) },
  // The plan is kept in the main process; the window confirms it by id, never by sending a rule.
  'azure:planAllowMyIp': { args: z.tuple([clusterNameSchema]) },
  'azure:allowMyIp': { args: z.tuple([confirmIdSchema]) },
  'azure:removeFirewallRule': { args: z.tuple([clusterNameSchema, firewallRuleNameSchema]) },
} as const satisfies { [C in keyof ChannelResults]: { args: z.ZodType } };

export type Channel = keyof typeof channels;
export type ChannelArgs<C extends Channel> = z.infer<(typeof channels)[C]['args']>;
export type ChannelResult<C extends Channel> = ChannelResults[C];

export type ErrorCode =
  'invalid-argument' | 'not-found' | 'needs-sign-in' | 'unreachable' | 'config' | 'forbidden' | 'internal';
export type Result<T> = { ok: true; value: T } | ResultError;
/**
 * A failure as the window shows it: the message, what to do about it (absent when the message
 * says it all), and the details support asks for (Entra codes, trace and correlation IDs) behind
 * "Details".
 */
export interface ResultError {
  ok: false;
  code: ErrorCode;
  message: string;
  advice?: string;
  details?: string[];
}

// The renderer takes the whole contract from this one module: the schemas its forms check before
// sending, and the API's runtime names.
export { clusterNameSchema, settingsPatchSchema, type SettingsPatch };
export { apiMethods, EVENT_SHOW_VIEW, EVENT_SIGN_IN, EVENT_SNAPSHOT, WINDOW_VIEWS } from './api-surface.js';
export type { WindowView } from './api-surface.js';
export type * from './azure-types.js';

/** Parses raw IPC arguments; the error names the argument and field, for the renderer to show. */
export function parseArgs<C extends Channel>(
  channel: C,
  raw: unknown,
): { ok: true; value: ChannelArgs<C> } | { ok: false; code: 'invalid-argument'; message: string } {
  const parsed = channels[channel].args.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data as ChannelArgs<C> };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length
    ? issue.path.slice(1).join('.') || `argument ${String(issue.path[0])}`
    : 'arguments';
  return { ok: false, code: 'invalid-argument', message: `${where}: ${issue?.message ?? 'invalid'}` };
}

import type { apiMethods, WindowView } from './api-surface.js';

export type ApiMethod = keyof typeof apiMethods;

export interface SignInFinished {
  ok: boolean;
  message: string;
}

export type PgentraApi = {
  [M in ApiMethod]: (
    ...args: ChannelArgs<(typeof apiMethods)[M]>
  ) => Promise<Result<ChannelResult<(typeof apiMethods)[M]>>>;
} & {
  onSnapshot(listener: (snapshot: AppSnapshot) => void): () => void;
  onSignInFinished(listener: (event: SignInFinished) => void): () => void;
  onShowView(listener: (view: WindowView) => void): () => void;
};
