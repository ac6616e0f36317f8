// Reading a token's claims without verifying it, for doctor and the UI — and never letting the
// token (the password) leak into an error message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeClaims,
  secondsLeft,
  timeLeftSec,
  TokenFormatError,
  tokenUser,
} from '../../../electron/core/tokens.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
// The signature is garbage on purpose: decoding must not care.
const jwt = (claims: unknown, header: unknown = { alg: 'RS256', typ: 'JWT' }) =>
  `${b64(header)}.${b64(claims)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;

const NOW_MS = Date.parse('2026-11-22T12:00:00Z');
const NOW = NOW_MS / 1000;
const entraClaims = {
  aud: 'https://ossrdbms-aad.database.windows.net',
  iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
  iat: NOW - 300,
  nbf: NOW - 300,
  exp: NOW + 3600,
  appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  groups: ['0b3c1f4e-0000-4000-8000-000000000001'],
  oid: '6f2e7b8a-1111-4222-8333-444455556666',
  tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  unique_name: 'alice@contoso.com',
  upn: 'alice@contoso.com',
  scp: 'user_impersonation',
  ver: '1.0',
};

function formatError(run: () => unknown): TokenFormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenFormatError);
    return error as TokenFormatError;
  }
  throw new Error('expected a TokenFormatError');
}

describe('decodeClaims', () => {
  it('reads an Entra access token without checking its signature', () => {
    expect(decodeClaims(jwt(entraClaims))).toEqual({
      aud: entraClaims.aud,
      iss: entraClaims.iss,
      iat: entraClaims.iat,
      nbf: entraClaims.nbf,
      exp: entraClaims.exp,
      appid: entraClaims.appid,
      groups: entraClaims.groups,
      oid: entraClaims.oid,
      tid: entraClaims.tid,
      unique_name: 'alice@contoso.com',
      upn: 'alice@contoso.com',
    });
  });

  it('takes the first of several audiences, and tolerates surrounding whitespace and padding', () => {
    const token = jwt({ ...entraClaims, aud: ['https://a.example', 'https://b.example'] });
    expect(decodeClaims(` ${token}\n`).aud).toBe('https://a.example');
    const [h, p, s] = jwt(entraClaims).split('.');
    expect(decodeClaims(`${h}.${p}==.${s}`).exp).toBe(entraClaims.exp);
  });

  it.each(['exp', 'iat', 'aud', 'tid', 'oid'])(
    'a token without "%s" is reported by the claim name',
    (claim) => {
      const { [claim as keyof typeof entraClaims]: _, ...rest } = entraClaims;
      expect(formatError(() => decodeClaims(jwt(rest))).message).toBe(
        `the token claim "${claim}" is missing or invalid`,
      );
    },
  );

  it('optional claims may be absent (a service principal has no upn, a user may have no groups)', () => {
    const { upn: _u, unique_name: _n, groups: _g, nbf: _b, appid: _a, ...rest } = entraClaims;
    const claims = decodeClaims(jwt(rest));
    expect(tokenUser(claims)).toBeUndefined();
    expect(claims.groups).toBeUndefined();
  });

  it.each([
    ['not a JWT at all', 'hello', 'not a JWT'],
    ['two parts', 'a.b', 'not a JWT'],
    ['an encrypted (five-part) token', 'a.b.c.d.e', 'not a JWT'],
    ['an empty payload', 'a..c', 'not a JWT'],
    ['a payload that is not base64url', 'a.b+c/d.e', 'not base64url-encoded'],
    [
      'a payload that is not JSON',
      `a.${Buffer.from('{oops').toString('base64url')}.c`,
      'not base64url-encoded JSON',
    ],
    ['a payload that is a JSON array', `a.${b64([1, 2])}.c`, 'not a JSON object'],
    ['a payload that is JSON null', `a.${b64(null)}.c`, 'not a JSON object'],
    ['exp as a string', jwt({ ...entraClaims, exp: '1700000000' }), 'claim "exp"'],
    ['an empty audience list', jwt({ ...entraClaims, aud: [] }), 'claim "aud"'],
  ])('%s is a TokenFormatError', (_, token, words) => {
    expect(formatError(() => decodeClaims(token)).message).toContain(words);
  });

  it('an error never contains the token or any sizeable piece of it', () => {
    const secretish = fc.stringMatching(/^[A-Za-z0-9_-]{12,60}$/);
    const payloads = fc.oneof(
      // Claims with wrong types, whose values a naive message would echo.
      fc.record({ exp: secretish, iat: fc.integer(), aud: secretish, tid: secretish, oid: secretish }),
      fc.record({ exp: fc.integer(), iat: fc.integer(), aud: fc.integer(), tid: secretish, oid: secretish }),
      fc.record({ upn: secretish, groups: secretish }),
      fc.jsonValue(),
    );
    const tokens = fc.oneof(
      payloads.map((payload) => jwt(payload)),
      // Not JSON inside: JSON.parse's own message would quote it.
      secretish.map((junk) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(`{${junk}`).toString('base64url')}.sig`),
      fc.tuple(secretish, secretish, secretish, secretish).map((parts) => parts.join('.')),
      secretish,
    );
    fc.assert(
      fc.property(tokens, (token) => {
        let message: string | undefined;
        try {
          decodeClaims(token);
        } catch (error) {
          expect(error).toBeInstanceOf(TokenFormatError);
          message = (error as Error).message;
        }
        if (message === undefined) return;
        expect(message).not.toContain(token);
        for (const part of token.split('.')) if (part.length >= 8) expect(message).not.toContain(part);
        // Decoded values too: no 8-character run of the payload text appears in the message.
        const decoded = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8');
        for (let i = 0; i + 8 <= decoded.length; i += 1) {
          const run = decoded.slice(i, i + 8);
          if (/^[A-Za-z0-9_-]{8}$/.test(run)) expect(message).not.toContain(run);
        }
      }),
    );
  });
});

describe('tokenUser', () => {
  it('prefers upn, then unique_name, then preferred_username', () => {
    const base = decodeClaims(jwt(entraClaims));
    expect(tokenUser({ ...base, upn: 'a', unique_name: 'b', preferred_username: 'c' })).toBe('a');
    expect(tokenUser({ ...base, upn: undefined, unique_name: 'b', preferred_username: 'c' })).toBe('b');
    expect(tokenUser({ ...base, upn: undefined, unique_name: undefined, preferred_username: 'c' })).toBe('c');
  });
});

describe('time left', () => {
  it('is whole seconds until exp, negative once expired', () => {
    const token = jwt(entraClaims);
    expect(timeLeftSec(token, NOW_MS)).toBe(3600);
    expect(timeLeftSec(token, NOW_MS + 3_600_000)).toBe(0);
    expect(timeLeftSec(token, NOW_MS + 3_601_500)).toBe(-2);
    expect(timeLeftSec(token, NOW_MS + 500)).toBe(3599);
  });

  it('agrees with secondsLeft on the decoded claims and never increases as time passes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.nat(10 ** 9),
        fc.nat(10 ** 7),
        (exp, now, step) => {
          const token = jwt({ ...entraClaims, exp });
          expect(timeLeftSec(token, now)).toBe(secondsLeft({ exp }, now));
          expect(timeLeftSec(token, now + step)).toBeLessThanOrEqual(timeLeftSec(token, now));
        },
      ),
    );
  });

  it('a non-JWT is a TokenFormatError, not NaN', () => {
    expect(() => timeLeftSec('nope', NOW_MS)).toThrow(TokenFormatError);
  });
});
