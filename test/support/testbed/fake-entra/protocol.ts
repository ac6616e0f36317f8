// The wire side of the fake Entra ID: every input it parses (query strings, form bodies, the
// control JSON) has a zod schema here, and every error it sends has Entra's JSON shape, because
// pgentra's error classification keys on exactly those fields (error, suberror, AADSTS code, claims).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const FAULT_ENDPOINTS = ['token', 'devicecode', 'authorize', 'discovery', 'jwks', '*'] as const;
export const FAULT_KINDS = [
  'http-429',
  'http-500',
  'http-503',
  'stall',
  'invalid-grant',
  'interaction-required',
  'revoked',
  'access-denied',
  'clock-skew',
] as const;

export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  endpoint: FaultEndpoint;
  kind: FaultKind;
  /** Only the next N matching requests are hit; then the fault clears itself. Unlimited if absent. */
  count?: number;
  /** `http-429` (default 5) and `http-503` (none unless given): the Retry-After header, in seconds. */
  retryAfterSec?: number;
  /** `clock-skew` only: tokens issued while the fault lasts are dated this many seconds off. */
  skewSec?: number;
}

export type Lifetime = number | { min: number; max: number };

const positiveSec = z.number().int().positive();
export const lifetimeSchema = z.union([
  positiveSec,
  z
    .object({ min: positiveSec, max: positiveSec })
    .refine((range) => range.min <= range.max, 'min must not exceed max'),
]);

export const faultSchema = z.object({
  endpoint: z.enum(FAULT_ENDPOINTS),
  kind: z.enum(FAULT_KINDS),
  count: z.number().int().positive().optional(),
  retryAfterSec: z.number().int().min(0).optional(),
  skewSec: z.number().int().optional(),
});

/** What a separate process (`npm run testbed -- fault …`) may ask a running fake Entra to do. */
export const controlSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('login-as'), upn: z.string().min(1) }),
  faultSchema.extend({ op: z.literal('fault') }),
  z.object({ op: z.literal('clear-faults') }),
  z.object({ op: z.literal('revoke'), upn: z.string().min(1).optional() }),
  z.object({ op: z.literal('approve-device-code'), userCode: z.string().min(1).optional() }),
  z.object({ op: z.literal('lifetime'), sec: lifetimeSchema }),
  z.object({ op: z.literal('clock-skew'), sec: z.number().int() }),
  z.object({ op: z.literal('refresh-token-reuse'), reject: z.boolean() }),
]);
export type ControlRequest = z.infer<typeof controlSchema>;

export const tokenRequestSchema = z.object({
  grant_type: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string().optional(),
  code: z.string().optional(),
  code_verifier: z.string().optional(),
  redirect_uri: z.string().optional(),
  refresh_token: z.string().optional(),
  device_code: z.string().optional(),
  claims: z.string().optional(),
  client_info: z.string().optional(),
});

export const deviceCodeRequestSchema = z.object({
  client_id: z.string().min(1),
  scope: z.string().min(1),
});

export const authorizeRequestSchema = z.object({
  client_id: z.string().min(1),
  redirect_uri: z.string().url(),
  response_type: z.literal('code'),
  // msal-node 7 only speaks form_post; a query response is what its loopback refuses.
  response_mode: z.literal('form_post'),
  code_challenge: z.string().min(43).max(128),
  code_challenge_method: z.literal('S256'),
  scope: z.string().min(1),
  state: z.string().optional(),
  nonce: z.string().optional(),
  client_info: z.string().optional(),
  prompt: z.string().optional(),
  login_hint: z.string().optional(),
});

export const deviceLoginFormSchema = z.object({ otc: z.string().trim().min(1).max(32) });

/** The first issue of a failed parse, phrased for an error_description. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
}

export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** The resource of `https://ossrdbms-aad.database.windows.net/.default` (or `/user_impersonation`). */
export function resourceOf(scope: string): string | undefined {
  const resourceScope = scope.split(/\s+/).find((s) => s && !OIDC_SCOPES.has(s));
  return resourceScope?.replace(/\/(\.default|user_impersonation)$/, '');
}

export function resourceScopes(scope: string): string {
  return scope
    .split(/\s+/)
    .filter((s) => s && !OIDC_SCOPES.has(s))
    .join(' ');
}

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

export interface EntraErrorOptions {
  correlationId?: string;
  suberror?: string;
  claims?: string;
}

/** Entra's timestamp format in error bodies: `2026-11-22 19:12:03Z`. */
const entraTimestamp = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

export function entraError(
  error: string,
  code: number,
  description: string,
  options: EntraErrorOptions = {},
): EntraErrorBody {
  const traceId = randomUUID();
  const correlationId = options.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(new Date());
  return {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    ...(options.suberror ? { suberror: options.suberror } : {}),
    ...(options.claims ? { claims: options.claims } : {}),
  };
}

/** The claims challenge Conditional Access sends when it wants MFA (msal passes it back as `claims`). */
export const MFA_CLAIMS_CHALLENGE = JSON.stringify({
  access_token: { capolids: { essential: true, values: ['pgentra-testbed-mfa-policy'] } },
});

export interface FaultAnswer {
  status: number;
  body: EntraErrorBody;
  retryAfterSec?: number;
}

/** What Entra answers for an injected fault; undefined for kinds that are not an error response. */
export function faultAnswer(fault: Fault, correlationId?: string): FaultAnswer | undefined {
  const o = { correlationId };
  switch (fault.kind) {
    case 'http-429':
      return {
        status: 429,
        retryAfterSec: fault.retryAfterSec ?? 5,
        body: entraError(
          'temporarily_unavailable',
          50196,
          'The server terminated an operation because it encountered a client request loop.',
          o,
        ),
      };
    case 'http-500':
      return {
        status: 500,
        body: entraError('server_error', 90033, 'A transient error has occurred. Please try again.', o),
      };
    case 'http-503':
      return {
        status: 503,
        retryAfterSec: fault.retryAfterSec,
        body: entraError(
          'temporarily_unavailable',
          90006,
          'The server is temporarily unable to service your request.',
          o,
        ),
      };
    case 'invalid-grant':
      return {
        status: 400,
        body: entraError('invalid_grant', 70000, 'Provided grant is invalid or malformed.', {
          ...o,
          suberror: 'bad_token',
        }),
      };
    case 'interaction-required':
      return {
        status: 400,
        body: entraError(
          'interaction_required',
          50076,
          "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'pgentra testbed'.",
          { ...o, suberror: 'basic_action', claims: MFA_CLAIMS_CHALLENGE },
        ),
      };
    case 'revoked':
      return { status: 400, body: revokedGrant(correlationId) };
    case 'access-denied':
      return {
        status: 400,
        body: entraError('access_denied', 65004, 'User declined to consent to access the app.', o),
      };
    case 'stall':
    case 'clock-skew':
      return undefined;
  }
}

export const revokedGrant = (correlationId?: string) =>
  entraError(
    'invalid_grant',
    50173,
    'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
    { correlationId, suberror: 'bad_token' },
  );
