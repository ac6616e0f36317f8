// pgentra's MSAL layer against the fake Entra ID, through pgentra's own HTTPS client: what a
// refresh failure becomes (kind, Entra code, a sentence a person can read, Retry-After) decides
// the engine's backoff and what the tray, `status` and `doctor` show.
import { systemClock } from '../../electron/core/node-ports.js';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../electron/core/errors.js';
import { MsalSession } from '../../electron/core/auth/msal-session.js';
import { createHttpsNetworkClient } from '../../electron/core/auth/network-client.js';
import { startFakeEntra, type FakeEntra } from '../support/testbed/fake-entra/index.js';
import { createTestCa } from '../support/testbed/tls.js';
import { memoryCache } from '../support/fakes/memory-cache.js';

const PG = 'https://ossrdbms-aad.database.windows.net';
// What Microsoft support asks for travels in the details, not in the sentence people read.
const GUID = /^[0-9a-f-]{36}$/;

const failureOf = async (promise: Promise<unknown>): Promise<AuthError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected the call to fail');
};

describe('MsalSession against the fake Entra ID', () => {
  let dir: string;
  let entra: FakeEntra;

  const signedIn = async (options: { timeoutMs?: number } = {}) => {
    const session = await MsalSession.create({
      settings: {
        authorityHost: `https://${new URL(entra.authority).host}`,
        knownAuthorities: [new URL(entra.authority).host],
        clientId: entra.clientId,
        tenant: entra.tenantId,
      },
      cachePlugin: memoryCache(),
      networkClient: createHttpsNetworkClient({
        extraCa: [await fs.readFile(entra.caFile)],
        timeoutMs: options.timeoutMs,
      }),
      clock: systemClock,
    });
    const account = await session.signInDeviceCode({ resource: PG, onCode: () => undefined });
    return { session, key: { accountId: account.id, resource: PG } };
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-msal-'));
    entra = await startFakeEntra({
      dir,
      ca: await createTestCa(path.join(dir, 'ca')),
      users: [{ upn: 'alice@contoso.com' }],
    });
  });
  afterAll(async () => {
    await entra?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a 429 is "throttled" with Entra’s code, its sentence and the Retry-After msal-node itself drops', async () => {
    const { session, key } = await signedIn();
    entra.injectFault({ endpoint: 'token', kind: 'http-429', count: 1, retryAfterSec: 7 });
    const throttled = await failureOf(session.acquire({ ...key, forceRefresh: true }));
    expect(throttled.kind).toBe('throttled');
    expect(throttled.details).toMatchObject({ entraCode: 'AADSTS50196', retryAfterSec: 7 });
    expect(throttled.message).toBe(
      'Entra ID is throttling requests: AADSTS50196: The server terminated an operation because it encountered a client request loop. (Retry-After: 7 s)',
    );
    expect(throttled.details.correlationId).toMatch(GUID);
  });

  it('a 503 is Entra "temporarily unavailable" (a network-kind failure), with Retry-After when sent', async () => {
    const { session, key } = await signedIn();
    entra.injectFault({ endpoint: 'token', kind: 'http-503', count: 1, retryAfterSec: 3 });
    const unavailable = await failureOf(session.acquire({ ...key, forceRefresh: true }));
    expect(unavailable.kind).toBe('network');
    expect(unavailable.details).toMatchObject({ entraCode: 'AADSTS90006', retryAfterSec: 3 });
    expect(unavailable.message).toMatch(/^Entra ID is temporarily unavailable: AADSTS90006: /);
    expect(unavailable.message).not.toMatch(/Correlation ID|Trace ID|Timestamp/);
    expect(unavailable.details.correlationId).toMatch(GUID);
  });

  it('a request Entra never answers ends at the network deadline as "network", naming the host', async () => {
    const { session, key } = await signedIn({ timeoutMs: 1_500 });
    entra.injectFault({ endpoint: 'token', kind: 'stall', count: 1 });
    const stalled = await failureOf(session.acquire({ ...key, forceRefresh: true }));
    expect(stalled.kind).toBe('network');
    expect(stalled.message).toContain(`no answer from ${new URL(entra.authority).host} within 2 s`);
    // And the next refresh, with the fault spent, works.
    await expect(session.acquire({ ...key, forceRefresh: true })).resolves.toMatchObject({
      accessToken: expect.stringMatching(/^eyJ/),
    });
  });
});
