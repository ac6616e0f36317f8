// Reading a token's claims for display and diagnosis (`doctor`, the UI's expiry). The token is
// NOT verified here — the database server does that; we only need to know what it says.
import { z } from 'zod';

const claimsSchema = z.object({
  exp: z.number(),
  iat: z.number().optional(),
  nbf: z.number().optional(),
  aud: z.union([z.string(), z.array(z.string()).transform((a) => a[0] ?? '')]),
  iss: z.string().optional(),
  tid: z.string().optional(),
  oid: z.string().optional(),
  upn: z.string().optional(),
  unique_name: z.string().optional(),
  preferred_username: z.string().optional(),
  appid: z.string().optional(),
  groups: z.array(z.string()).optional(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export class TokenFormatError extends Error {
  override readonly name = 'TokenFormatError';
}

/** Decodes a JWT's payload. Errors describe the problem, never include the token. */
export function decodeClaims(token: string): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1])
    throw new TokenFormatError('the token is not a JWT (expected three dot-separated parts)');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new TokenFormatError('the token payload is not base64url-encoded JSON');
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TokenFormatError(`the token claim "${issue?.path.join('.') ?? '?'}" is missing or invalid`);
  }
  return parsed.data;
}

/** The user a token speaks for, as Azure compares it with the login name. */
export function tokenUser(claims: TokenClaims): string | undefined {
  return claims.upn ?? claims.unique_name ?? claims.preferred_username;
}

export function secondsLeft(claims: TokenClaims, nowMs: number): number {
  return Math.floor(claims.exp - nowMs / 1000);
}
