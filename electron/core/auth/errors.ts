// One vocabulary for everything that can go wrong getting a token, so the engine, the CLI's exit
// codes, the tray's notifications and `doctor` all say the same thing. MSAL's own errors are
// classified here by their documented fields (duck-typed: this module must not load MSAL).

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

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly kind: AuthErrorKind,
    message: string,
    readonly details: {
      /** Entra's code, e.g. `AADSTS700082`, kept so users can search for it. */
      entraCode?: string;
      msalCode?: string;
      retryAfterSec?: number;
      /** A claims challenge to pass to the next interactive sign-in. */
      claims?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }
}

/** What a user should do about each kind; shown by the CLI, the tray and `doctor`. */
export function adviceFor(kind: AuthErrorKind): string {
  switch (kind) {
    case 'needs-sign-in':
      return 'Run `pgentra login` (or use Sign in in the tray).';
    case 'interaction-required':
      return 'Your organisation requires an interactive sign-in (MFA, Conditional Access or consent): run `pgentra login`.';
    case 'throttled':
      return 'Entra ID is throttling requests; pgentra retries automatically.';
    case 'network':
      return 'Check your network, proxy or VPN; pgentra keeps retrying and keeps the current token while it is valid.';
    case 'config':
      return 'Check the client ID, tenant and cloud in the settings (`pgentra doctor` explains).';
    case 'keychain':
      return 'The OS keychain is unavailable (`pgentra doctor` explains).';
    case 'unknown':
      return 'Run `pgentra doctor` for details.';
  }
}

interface MsalLikeError {
  name?: unknown;
  errorCode?: unknown;
  errorMessage?: unknown;
  subError?: unknown;
  message?: unknown;
  claims?: unknown;
  status?: unknown;
  errorNo?: unknown;
  retryAfterSec?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const NEEDS_SIGN_IN_SUBERRORS = new Set([
  'bad_token',
  'token_expired',
  'protection_policy_required',
  'client_mismatch',
  'device_authentication_failed',
]);
const CONFIG_CODES = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_resource',
  'invalid_scope',
  'authority_uri_insecure',
  'url_parse_error',
  'invalid_authority_type',
  'untrusted_authority',
  'endpoints_resolution_error',
]);
// AADSTS codes that mean "your app registration / tenant / resource is wrong", per Entra's error list.
const CONFIG_AADSTS = new Set([
  'AADSTS650057',
  'AADSTS700016',
  'AADSTS90002',
  'AADSTS500011',
  'AADSTS7000218',
  'AADSTS50011',
  'AADSTS65001',
]);
const NETWORK_CODES = new Set([
  'network_error',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'deadline_exceeded',
]);

export function entraCodeOf(message: string): string | undefined {
  return /AADSTS\d+/.exec(message)?.[0];
}

/** Maps anything thrown by MSAL (or our network client) to an AuthError; token text never appears in it. */
export function classifyAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as MsalLikeError;
  const msalCode = text(e.errorCode);
  const subError = text(e.subError);
  const description = text(e.errorMessage) || text(e.message) || String(error);
  // MSAL answers repeats of a throttled request itself, with the AADSTS number as its code.
  const errorNo = typeof e.errorNo === 'number' || typeof e.errorNo === 'string' ? String(e.errorNo) : '';
  const entraNumber = /^\d+$/.test(msalCode) ? msalCode : /^\d+$/.test(errorNo) ? errorNo : undefined;
  const entraCode = entraCodeOf(description) ?? (entraNumber ? `AADSTS${entraNumber}` : undefined);
  const claims = text(e.claims) || undefined;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryAfterSec = typeof e.retryAfterSec === 'number' ? e.retryAfterSec : undefined;
  const details = { entraCode, msalCode: msalCode || undefined, claims, retryAfterSec, cause: error };
  const summary = firstLine(description);

  if (
    claims ||
    msalCode === 'interaction_required' ||
    msalCode === 'consent_required' ||
    entraCode === 'AADSTS50076' ||
    entraCode === 'AADSTS50079'
  ) {
    return new AuthError(
      'interaction-required',
      `Entra ID requires an interactive sign-in: ${summary}`,
      details,
    );
  }
  if (
    text(e.name) === 'InteractionRequiredAuthError' ||
    msalCode === 'invalid_grant' ||
    msalCode === 'no_tokens_found' ||
    msalCode === 'refresh_token_expired' ||
    msalCode === 'no_account_in_silent_request' ||
    NEEDS_SIGN_IN_SUBERRORS.has(subError)
  ) {
    return new AuthError('needs-sign-in', `Sign-in needed: ${summary}`, details);
  }
  if (
    status === 429 ||
    msalCode === 'server_unavailable' ||
    msalCode === 'throttled' ||
    entraCode === 'AADSTS50196' ||
    /\b429\b/.test(description) ||
    retryAfterSec !== undefined
  ) {
    return new AuthError('throttled', `Entra ID is throttling requests: ${summary}`, details);
  }
  if (msalCode === 'temporarily_unavailable' || entraCode === 'AADSTS90006') {
    return new AuthError('network', `Entra ID is temporarily unavailable: ${summary}`, details);
  }
  if (
    msalCode === 'timed_out' ||
    NETWORK_CODES.has(msalCode) ||
    NETWORK_CODES.has(text(e.errorNo)) ||
    (status !== undefined && status >= 500)
  ) {
    return new AuthError('network', `Entra ID unreachable: ${summary}`, details);
  }
  if (
    CONFIG_CODES.has(msalCode) ||
    (entraCode !== undefined && CONFIG_AADSTS.has(entraCode)) ||
    text(e.name) === 'ClientConfigurationError'
  ) {
    return new AuthError('config', `Sign-in configuration problem: ${summary}`, details);
  }
  return new AuthError('unknown', summary, details);
}

function firstLine(message: string): string {
  const line = readableServerError(message) ?? message.split(/\r?\n/)[0] ?? message;
  // MSAL messages may quote request bodies; keep them short and free of anything token-shaped.
  return redactTokens(line).slice(0, 300);
}

/**
 * MSAL's server errors read "Error(s): 50196 - Timestamp: … - Description: AADSTS50196: … Trace
 * ID: … Correlation ID: … Timestamp: …". People need Entra's sentence, and the correlation ID is
 * what Microsoft support asks for; the rest is noise.
 */
function readableServerError(message: string): string | undefined {
  const description =
    /Description:\s*(.+?)(?:\s+Trace ID:|\s+Correlation ID:|\s+-\s+Correlation ID:|\r?\n|$)/s.exec(
      message,
    )?.[1];
  if (!description) return undefined;
  const correlation = /Correlation ID:\s*([0-9a-f-]{36})/i.exec(message)?.[1];
  return correlation ? `${description.trim()} (correlation ID ${correlation})` : description.trim();
}

/** Replaces anything that looks like a JWT (three base64url segments) with a marker. */
export function redactTokens(message: string): string {
  return message.replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[token redacted]');
}
