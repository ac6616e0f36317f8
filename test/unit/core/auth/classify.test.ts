// The one vocabulary for token failures: kinds decide exit codes and backoff, messages are what
// people read in the tray, `status` and notifications. Shapes are msal-node 7's (pinned against
// the fake Entra ID in test/integration/fake-entra.test.ts and msal-session.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAuthError } from '../../../../electron/core/auth/classify.js';
import { AuthError } from '../../../../electron/core/errors.js';

const CORRELATION = '8c8646bf-b3a0-4a20-bfe6-7c58b68bec40';
const serverMessage = (code: number, sentence: string) =>
  `Error(s): ${code} - Timestamp: 2026-11-22 23:50:54Z - Description: AADSTS${code}: ${sentence} ` +
  `Trace ID: 3dcacdd8-537b-4864-b107-d902d4dad696 Correlation ID: ${CORRELATION} Timestamp: 2026-11-22 23:50:54Z ` +
  `- Correlation ID: ${CORRELATION} - Trace ID: 3dcacdd8-537b-4864-b107-d902d4dad696`;

describe('classifyAuthError', () => {
  it.each([
    [
      'a 429 (temporarily_unavailable, AADSTS50196)',
      {
        errorCode: 'temporarily_unavailable',
        errorNo: 50196,
        message: serverMessage(
          50196,
          'The server terminated an operation because it encountered a client request loop.',
        ),
      },
      'throttled',
      'AADSTS50196',
    ],
    [
      'msal’s own answer to a repeat, the number as the code',
      { errorCode: '50196', message: 'client request loop' },
      'throttled',
      'AADSTS50196',
    ],
    [
      'a 503 (temporarily_unavailable, AADSTS90006)',
      {
        errorCode: 'temporarily_unavailable',
        errorNo: 90006,
        message: serverMessage(90006, 'The server is temporarily unable to service your request.'),
      },
      'network',
      'AADSTS90006',
    ],
    [
      'a revoked refresh token',
      { errorCode: 'invalid_grant', subError: 'bad_token', errorNo: 50173, message: 'AADSTS50173: revoked' },
      'needs-sign-in',
      'AADSTS50173',
    ],
    [
      'an MFA claims challenge',
      { name: 'InteractionRequiredAuthError', errorCode: 'invalid_grant', claims: '{"access_token":{}}' },
      'interaction-required',
      undefined,
    ],
    [
      'an unknown client ID',
      { errorCode: 'unauthorized_client', message: 'AADSTS700016: Application not found' },
      'config',
      'AADSTS700016',
    ],
    ['a refused connection', { errorCode: 'network_error', errorNo: 'ECONNREFUSED' }, 'network', undefined],
  ])('%s is %s', (_name, error, kind, entraCode) => {
    const problem = classifyAuthError(error);
    expect(problem).toBeInstanceOf(AuthError);
    expect(problem.kind).toBe(kind);
    expect(problem.details.entraCode).toBe(entraCode);
  });

  it('says Entra’s sentence and the correlation ID, not MSAL’s wrapper', () => {
    const problem = classifyAuthError({
      errorCode: 'temporarily_unavailable',
      errorNo: 50196,
      message: serverMessage(
        50196,
        'The server terminated an operation because it encountered a client request loop.',
      ),
    });
    expect(problem.message).toBe(
      'Entra ID is throttling requests: AADSTS50196: The server terminated an operation because it ' +
        `encountered a client request loop. (correlation ID ${CORRELATION})`,
    );
  });

  it('never lets token-shaped text into a message', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/),
        fc.constantFrom('invalid_grant', 'temporarily_unavailable', 'network_error', ''),
        (payload, signature, tail, errorCode) => {
          const token = `eyJhbGciOiJSUzI1NiJ9.${payload}.${signature}${tail}`;
          const problem = classifyAuthError({ errorCode, message: `request failed for ${token} (x)` });
          expect(problem.message).not.toContain(payload);
          expect(problem.message).toContain('[token redacted]');
        },
      ),
    );
  });
});
