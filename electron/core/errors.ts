// One failure vocabulary for everything core can raise. Every error carries a stable `code`; each
// code belongs to one category with advice a person can act on. The faces (CLI exit codes, IPC
// error codes, agent answers) map categories through their own small tables and match on `code`,
// never on class identity or `name`: the CommonJS fast path bundles its own copies of these classes.
// Core never knows an exit code.

export type FailureCategory =
  /** The user must sign in (again), possibly interactively. */
  | 'needs-sign-in'
  /** Entra ID (or another server) could not be reached or is throttling: retrying may help. */
  | 'unreachable'
  /** Settings, app registration, keychain or agent setup is wrong: retrying will not help. */
  | 'config'
  /** A cluster (or account) named by the user does not exist. */
  | 'not-found'
  /** Something the user typed or sent is not acceptable; nothing was changed. */
  | 'invalid-input'
  /** A local file (config, pgpass, pgAdmin's servers) could not be read or written safely. */
  | 'local-file'
  /** A program (psql, a terminal, pgAdmin) could not be started as asked. */
  | 'launch'
  /** Something pgentra did not expect: a bug to report. */
  | 'internal';

export const FAILURE_CATEGORIES: readonly FailureCategory[] = [
  'needs-sign-in',
  'unreachable',
  'config',
  'not-found',
  'invalid-input',
  'local-file',
  'launch',
  'internal',
];

const DOCTOR = 'Run `pgentra doctor` for details.';

/** Every code core can raise, with its category and what a person should do about it. */
export const FAILURES = {
  'needs-sign-in': {
    category: 'needs-sign-in',
    advice: 'Run `pgentra login` (or use Sign in in the tray).',
  },
  'interaction-required': {
    category: 'needs-sign-in',
    advice:
      'Your organisation requires an interactive sign-in (MFA, Conditional Access or consent): run `pgentra login`.',
  },
  throttled: {
    category: 'unreachable',
    advice:
      'Wait until the time named in the message and try again; the tray app and `pgentra agent` retry by themselves then.',
  },
  network: {
    category: 'unreachable',
    advice:
      'Check your network, proxy or VPN; pgentra keeps retrying and keeps the current token while it is valid.',
  },
  'sign-in-config': {
    category: 'config',
    advice: 'Check the client ID, tenant and cloud in the settings (`pgentra doctor` explains).',
  },
  keychain: {
    category: 'config',
    advice: 'The OS keychain is unavailable (`pgentra doctor` explains).',
  },
  'sign-in-failed': { category: 'internal', advice: DOCTOR },
  'cluster-not-found': {
    category: 'not-found',
    advice: 'Run `pgentra cluster list` to see the configured clusters.',
  },
  'cluster-invalid': {
    category: 'invalid-input',
    advice: 'Correct the field named in the message; nothing was changed.',
  },
  'host-untrusted': {
    category: 'config',
    advice:
      'Check that the host really is your server; trust it with `pgentra cluster trust NAME`, or use its Azure host name (with --hostaddr for a private endpoint).',
  },
  'tls-system-roots': {
    category: 'config',
    advice:
      'sslrootcert=system needs psql/libpq 16 or newer: upgrade the PostgreSQL client, or unset PGSSLROOTCERT to use the Azure roots pgentra ships.',
  },
  'tls-roots-missing': {
    category: 'config',
    advice: 'Reinstall pgentra, or give the cluster its own root certificates (`--sslrootcert FILE`).',
  },
  'unknown-cloud': {
    category: 'invalid-input',
    advice: 'Use one of the clouds named in the message, or add a custom cloud to the config.',
  },
  'config-unreadable': {
    category: 'local-file',
    advice: 'Check that the config file is readable by you (`pgentra doctor` shows its path).',
  },
  'config-invalid': {
    category: 'local-file',
    advice: 'Fix the file at the line and column named in the message; pgentra left it untouched.',
  },
  'config-entry-invalid': {
    category: 'config',
    advice:
      'Fix the field named in the message in config.json, or remove the entry (`pgentra config check` lists them; `pgentra cluster remove NAME` removes a cluster).',
  },
  'config-unsafe': {
    category: 'config',
    advice: 'Run the command in the message so only you can change the configuration, then try again.',
  },
  'config-newer': {
    category: 'local-file',
    advice: 'A newer pgentra wrote this config: update pgentra. The file was left untouched.',
  },
  'config-change-invalid': {
    category: 'invalid-input',
    advice: 'Correct the field named in the message; nothing was written.',
  },
  'min-valid-unmet': {
    category: 'invalid-input',
    advice: 'Ask for a shorter minimum validity than Entra ID issues; asking again will not help.',
  },
  'token-format': {
    category: 'internal',
    advice: 'The token is not an Entra access token; sign in again, and report a bug if this persists.',
  },
  'pgpass-entry': {
    category: 'invalid-input',
    advice: 'A password file line cannot hold this value; change the cluster field named in the message.',
  },
  'pgpass-file': {
    category: 'local-file',
    advice: 'Check the password file named in the message (its owner, permissions and disk space).',
  },
  'pgpass-block': {
    category: 'local-file',
    advice:
      "pgentra's block in the password file was edited by hand; fix or remove the lines named in the message.",
  },
  'service-entry': {
    category: 'invalid-input',
    advice: 'A service file line cannot hold this value; change the cluster field named in the message.',
  },
  'service-file': {
    category: 'local-file',
    advice:
      'Check the connection service file named in the message (the line it names, its owner and permissions).',
  },
  'service-name-taken': {
    category: 'local-file',
    advice:
      'Rename your own service (or remove it) and run `pgentra service sync`, or give the cluster another name.',
  },
  'file-write': {
    category: 'local-file',
    advice: 'Check the file named in the message: its owner, permissions and free disk space.',
  },
  'file-changed': {
    category: 'local-file',
    advice: 'Another program changed the file while pgentra wrote it; nothing was lost. Try again.',
  },
  'lock-timeout': {
    category: 'local-file',
    advice: 'Another pgentra is writing the same file; try again, or remove a stale lock it names.',
  },
  'launch-failed': {
    category: 'launch',
    advice: 'Install the program named in the message, or set its path in the settings.',
  },
  'unsafe-value': {
    category: 'invalid-input',
    advice: 'The value cannot be passed safely to that program; change the field named in the message.',
  },
  'cli-install-failed': {
    category: 'local-file',
    advice: 'Check the folder named in the message, or install the command yourself (see the README).',
  },
  'service-failed': {
    category: 'launch',
    advice:
      'Run the command named in the message yourself and read what it says; `pgentra agent` also runs in a terminal.',
  },
  'service-not-ours': {
    category: 'local-file',
    advice:
      'Move the file (or task) named in the message away, or keep it and start `pgentra agent` from it yourself.',
  },
  'agent-running': {
    category: 'config',
    advice: 'Another pgentra (the tray app or `pgentra agent`) already serves tokens; use that one.',
  },
  'agent-socket-unsafe': {
    category: 'config',
    advice: 'Remove or fix the folder named in the message so only you can use it.',
  },
  'agent-failed': {
    category: 'unreachable',
    advice: 'Restart the tray app or `pgentra agent`; `pgentra token` also works without them.',
  },
  'agent-protocol': {
    category: 'config',
    advice: 'The tray app and the command line are different versions: run the same pgentra for both.',
  },
  // A forward's failures, as a remote machine (`pgentra ssh`, WSL) sees them:
  'forward-gone': { category: 'unreachable', advice: 'Reconnect with pgentra ssh, or unset PGENTRA_AGENT.' },
  'forward-refused': { category: 'config', advice: 'Reconnect with the clusters you need allowed.' },
  'azure-consent': {
    category: 'config',
    advice:
      "Ask an Entra administrator to grant consent for pgentra's client ID to Azure Service Management (delegated permission user_impersonation).",
  },
  'azure-access': {
    category: 'config',
    advice:
      'Ask an owner of the subscription or server for a role that can read it (Reader), or to change firewall rules, one that can write them (Contributor).',
  },
  'azure-unavailable': {
    category: 'unreachable',
    advice:
      'Azure Resource Manager did not answer as expected; try again later (`--verbose` shows its error code).',
  },
  'azure-not-found': {
    category: 'not-found',
    advice: 'Run `pgentra discover` to list the servers your account can see.',
  },
  internal: { category: 'internal', advice: 'This is a bug in pgentra; please report it.' },
} as const satisfies Record<string, { category: FailureCategory; advice: string }>;

export type FailureCode = keyof typeof FAILURES;

export interface FailureDetails {
  /** Entra's code, e.g. `AADSTS700082`, kept so users can search for it. */
  entraCode?: string;
  msalCode?: string;
  retryAfterSec?: number;
  /** A claims challenge to pass to the next interactive sign-in. */
  claims?: string;
  /** Entra's trace and correlation IDs and time: what Microsoft support asks for. */
  traceId?: string;
  correlationId?: string;
  timestamp?: string;
  /** Azure Resource Manager's error code (e.g. `AuthorizationFailed`) and HTTP status. */
  armCode?: string;
  /** The file, field or program concerned. */
  file?: string;
  field?: string;
  cause?: unknown;
}

/**
 * The details behind "Details" in the window and `--verbose` in the CLI, one `Label: value`
 * line each: searchable codes and support IDs, never a token (classify.ts redacts messages).
 */
export function failureDetailLines(details: FailureDetails): string[] {
  const lines: [string, unknown][] = [
    ['Entra error', details.entraCode],
    ['MSAL error', details.msalCode],
    ['Azure error', details.armCode],
    ['Retry after', details.retryAfterSec === undefined ? undefined : `${details.retryAfterSec} s`],
    ['Trace ID', details.traceId],
    ['Correlation ID', details.correlationId],
    ['Timestamp', details.timestamp],
    ['File', details.file],
    ['Field', details.field],
  ];
  return lines.flatMap(([label, value]) =>
    typeof value === 'string' && value !== '' ? [`${label}: ${value}`] : [],
  );
}

/** The base of every error core raises on purpose. */
export class PgentraError extends Error {
  override readonly name: string = 'PgentraError';
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly details: FailureDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** Duck-typed on purpose: a copy of PgentraError from another bundle is still one. */
export function isPgentraError(error: unknown): error is PgentraError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(FAILURES, code);
}

export type AuthErrorKind =
  /** The refresh token is gone, expired or revoked: the user must sign in again. */
  | 'needs-sign-in'
  /** Conditional Access, MFA or consent wants the user in a browser (a claims challenge). */
  | 'interaction-required'
  /** Entra answered 429 (AADSTS50196) or sent a Retry-After: wait, do not hammer. */
  | 'throttled'
  /** Entra could not be reached or did not answer in time. */
  | 'network'
  /** Client ID, tenant, authority or resource is wrong: retrying will not help. */
  | 'config'
  /** The OS keychain holding the MSAL cache is unavailable. */
  | 'keychain'
  | 'unknown';

const AUTH_CODE_BY_KIND = {
  'needs-sign-in': 'needs-sign-in',
  'interaction-required': 'interaction-required',
  throttled: 'throttled',
  network: 'network',
  config: 'sign-in-config',
  keychain: 'keychain',
  unknown: 'sign-in-failed',
} as const satisfies Record<AuthErrorKind, FailureCode>;

const AUTH_KIND_BY_CODE = new Map<string, AuthErrorKind>(
  Object.entries(AUTH_CODE_BY_KIND).map(([kind, code]) => [code, kind as AuthErrorKind]),
);

/** Getting a token failed; `kind` says why in the engine's terms (it decides retries by it). */
export class AuthError extends PgentraError {
  override readonly name = 'AuthError';
  constructor(
    readonly kind: AuthErrorKind,
    message: string,
    details: FailureDetails = {},
  ) {
    super(AUTH_CODE_BY_KIND[kind], message, details);
  }
}

/** The auth kind of any error that is one (including copies from another bundle). */
export function authKindOf(error: unknown): AuthErrorKind | undefined {
  return isPgentraError(error) ? AUTH_KIND_BY_CODE.get(error.code) : undefined;
}

/** What a user should do about each auth kind; shown by the CLI, the tray and `doctor`. */
export function adviceFor(kind: AuthErrorKind): string {
  return FAILURES[AUTH_CODE_BY_KIND[kind]].advice;
}

export interface Failure {
  code: FailureCode;
  category: FailureCategory;
  message: string;
  advice: string;
  details: FailureDetails;
}

/**
 * The advice a face shows after the message, if any: a bad field or unknown name is advice
 * enough on its own, and an error nobody anticipated has none to give.
 */
export function shownAdvice(error: unknown): string | undefined {
  const failure = describeFailure(error);
  return !isPgentraError(error) || failure.category === 'invalid-input' || failure.category === 'not-found'
    ? undefined
    : failure.advice;
}

/** The one way every face learns what went wrong and what to do about it. */
export function describeFailure(error: unknown): Failure {
  if (isPgentraError(error)) {
    const { category, advice } = FAILURES[error.code];
    return { code: error.code, category, message: error.message, advice, details: error.details ?? {} };
  }
  return {
    code: 'internal',
    category: 'internal',
    message: messageOf(error),
    advice: FAILURES.internal.advice,
    details: { cause: error },
  };
}

/**
 * The engine's view of a failed token request: token sources classify what they throw (see
 * auth/classify.ts); anything else is a sign-in failure nobody anticipated.
 */
export function asAuthError(error: unknown): AuthError {
  const kind = authKindOf(error);
  if (kind && error instanceof AuthError) return error;
  const { message, details } = describeFailure(error);
  return new AuthError(kind ?? 'unknown', message, kind ? details : { cause: error });
}

/** The message and its advice as one text, for faces that show only a line (the agent's answer). */
export function failureText(error: unknown): string {
  const advice = shownAdvice(error);
  return advice ? `${describeFailure(error).message} ${advice}` : describeFailure(error).message;
}

/** Anything can be thrown, including objects whose toString throws or is not a function. */
function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  try {
    return String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
