// MSAL's own errors, classified into the failure vocabulary (../errors.ts) by their documented
// fields: duck-typed, because this module must not load MSAL.
import { AuthError, asAuthError, authKindOf } from '../errors.js';

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
// AADSTS codes Entra documents as transient ("try again"): an outage, not a bug or a setting.
const TRANSIENT_AADSTS = new Set(['AADSTS90006', 'AADSTS90033', 'AADSTS90055']);
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
  if (authKindOf(error)) return asAuthError(error);
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
  const details = {
    entraCode,
    msalCode: msalCode || undefined,
    claims,
    retryAfterSec,
    ...supportIds(description),
    cause: error,
  };
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
  if (
    msalCode === 'temporarily_unavailable' ||
    (entraCode !== undefined && TRANSIENT_AADSTS.has(entraCode))
  ) {
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
 * ID: … Correlation ID: … Timestamp: …". The message is Entra's sentence; the IDs support asks
 * for go to the details (supportIds), shown behind "Details" and by `--verbose`.
 */
function readableServerError(message: string): string | undefined {
  return /Description:\s*(.+?)(?:\s+Trace ID:|\s+Correlation ID:|\s+-\s+Correlation ID:|\r?\n|$)/s
    .exec(message)?.[1]
    ?.trim();
}

function supportIds(message: string): { traceId?: string; correlationId?: string; timestamp?: string } {
  const id = (label: string) =>
    new RegExp(`${label}:\\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`, 'i').exec(
      message,
    )?.[1];
  const timestamp = /Timestamp:\s*(\d{4}-\d\d-\d\d[ T][\d:.]+Z?)/.exec(message)?.[1];
  return {
    ...(id('Trace ID') ? { traceId: id('Trace ID') } : {}),
    ...(id('Correlation ID') ? { correlationId: id('Correlation ID') } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

/** Replaces anything that looks like a JWT (three base64url segments) with a marker. */
export function redactTokens(message: string): string {
  return message.replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[token redacted]');
}
