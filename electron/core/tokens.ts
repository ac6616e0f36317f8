// Reading a token's claims for display and diagnosis (`doctor`, the UI's expiry). The token is
// NOT verified here — the database server does that; we only need to know what it says. No error
// raised here ever quotes the token or a piece of it: messages end up in logs and bug reports.
import { PgentraError } from './errors.js';
import { z } from 'zod';

// Entra access tokens (v1 and v2) always carry exp, iat, aud, tid and oid; a token without them is
// not one the server will accept, so saying which is missing is the useful diagnosis.
const claimsSchema = z.object({
  exp: z.number(),
  iat: z.number(),
  nbf: z.number().optional(),
  // A JWT may carry several audiences; Entra issues one, and the first is the one to show.
  aud: z.union([
    z.string(),
    z
      .array(z.string())
      .min(1)
      .transform((a) => a[0] ?? ''),
  ]),
  iss: z.string().optional(),
  tid: z.string(),
  oid: z.string(),
  upn: z.string().optional(),
  unique_name: z.string().optional(),
  preferred_username: z.string().optional(),
  appid: z.string().optional(),
  groups: z.array(z.string()).optional(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export class TokenFormatError extends PgentraError {
  override readonly name = 'TokenFormatError';
  constructor(message: string) {
    super('token-format', message);
  }
}

/**
 * A JWT's payload, decoded but not checked: the one place a token is taken apart. Errors describe
 * the problem, never include the token.
 */
export function decodePayload(token: string): Record<string, unknown> {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1])
    throw new TokenFormatError('the token is not a JWT (expected three dot-separated parts)');
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(parts[1]))
    throw new TokenFormatError('the token payload is not base64url-encoded');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    // JSON.parse's own message quotes the text it choked on: a piece of the token.
    throw new TokenFormatError('the token payload is not base64url-encoded JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TokenFormatError('the token payload is not a JSON object of claims');
  return json as Record<string, unknown>;
}

/** Decodes a JWT's payload and checks the claims an Entra access token always has. */
export function decodeClaims(token: string): TokenClaims {
  const parsed = claimsSchema.safeParse(decodePayload(token));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Only the claim's name: zod's message may echo the (attacker-chosen) value.
    throw new TokenFormatError(`the token claim "${issue?.path.join('.') ?? '?'}" is missing or invalid`);
  }
  return parsed.data;
}

/** The user a token speaks for, as Azure compares it with the login name. */
export function tokenUser(claims: TokenClaims): string | undefined {
  return claims.upn ?? claims.unique_name ?? claims.preferred_username;
}

/** Whole seconds until `exp` (negative once expired); `nowMs` is wall-clock epoch ms. */
export function secondsLeft(claims: Pick<TokenClaims, 'exp'>, nowMs: number): number {
  return Math.floor(claims.exp - nowMs / 1000);
}

/** Seconds of validity the token has left at `nowMs`; throws TokenFormatError for a non-JWT. */
export function timeLeftSec(token: string, nowMs: number): number {
  return secondsLeft(decodeClaims(token), nowMs);
}
