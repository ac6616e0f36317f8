// The real @azure/msal-node against the testbed's fake Entra ID: if these pass, what pgentra does
// with MSAL is exercised for real, offline.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AuthenticationResult,
} from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsNetworkClient } from '../../electron/core/auth/network-client.js';
import { chromiumLaunch } from '../../playwright.config.js';
import { startFakeEntra, type FakeEntra } from '../support/fake-entra/index.js';
import { createTestCa } from '../support/tls.js';

const PG = 'https://ossrdbms-aad.database.windows.net';
const COSMOS = 'https://token.postgres.cosmos.azure.com';

describe('fake Entra ID with the real msal-node', () => {
  let dir: string;
  let entra: FakeEntra;
  let browser: Browser;

  const newApp = async (timeoutMs?: number) =>
    new PublicClientApplication({
      auth: {
        clientId: entra.clientId,
        authority: entra.authority,
        knownAuthorities: [`localhost:${entra.port}`],
      },
      system: {
        networkClient: createHttpsNetworkClient({ extraCa: [await fs.readFile(entra.caFile)], timeoutMs }),
      },
    });

  const deviceCodeLogin = async (app: PublicClientApplication, resource = PG) => {
    let message = '';
    const result = await app.acquireTokenByDeviceCode({
      scopes: [`${resource}/.default`],
      deviceCodeCallback: (r) => (message = r.message),
    });
    expect(message).toMatch(/enter the code [0-9A-F]{8}/);
    return result as AuthenticationResult;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-entra-'));
    const ca = await createTestCa(path.join(dir, 'ca'));
    entra = await startFakeEntra({
      dir: path.join(dir, 'entra'),
      ca,
      users: [{ upn: 'alice@contoso.com' }, { upn: 'bob@contoso.com' }],
      groups: [{ name: 'pgentra devs', members: ['alice@contoso.com'] }],
      tokenLifetimeSec: 3600,
    });
    browser = await chromium.launch({
      ...chromiumLaunch,
      args: [...chromiumLaunch.args, '--ignore-certificate-errors'],
    });
  });
  afterEach(() => entra.clearFaults());
  afterAll(async () => {
    await browser?.close();
    await entra?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('signs in by device code and issues an Entra-shaped PostgreSQL token', async () => {
    const result = await deviceCodeLogin(await newApp());
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({
      aud: PG,
      iss: `https://sts.windows.net/${entra.tenantId}/`,
      tid: entra.tenantId,
      upn: 'alice@contoso.com',
      ver: '1.0',
    });
    expect(claims.groups).toEqual([entra.groups[0]?.id]);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(result.account?.username).toBe('alice@contoso.com');
    expect(result.account?.homeAccountId).toBe(`${entra.users[0]?.oid}.${entra.tenantId}`);
  });

  it('signs in interactively: system browser, form_post to the loopback, PKCE', async () => {
    entra.loginAs('bob@contoso.com');
    const app = await newApp();
    const page = await browser.newPage();
    try {
      const result = await app.acquireTokenInteractive({
        scopes: [`${PG}/.default`],
        openBrowser: async (url) => void page.goto(url).catch(() => undefined),
        successTemplate: 'signed in',
      });
      expect(decodeJwt(result.accessToken)).toMatchObject({ upn: 'bob@contoso.com', aud: PG });
      await expect.poll(() => page.content()).toContain('signed in');
    } finally {
      await page.close();
      entra.loginAs('alice@contoso.com');
    }
    const authorize = entra.requests.filter((r) => r.endpoint === 'authorize');
    expect(authorize.length).toBeGreaterThan(0);
    expect(entra.requests.some((r) => r.grantType === 'authorization_code')).toBe(true);
  });

  it('serves silently from the cache, refreshes with forceRefresh, and mints the Cosmos resource from the same refresh token', async () => {
    const app = await newApp();
    const first = await deviceCodeLogin(app);
    const account = first.account!;
    const before = entra.requests.length;
    const cached = await app.acquireTokenSilent({ account, scopes: [`${PG}/.default`] });
    expect(cached.accessToken).toBe(first.accessToken);
    expect(entra.requests.length).toBe(before);

    const refreshed = await app.acquireTokenSilent({
      account,
      scopes: [`${PG}/.default`],
      forceRefresh: true,
    });
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(entra.requests.at(-1)?.grantType).toBe('refresh_token');

    const cosmos = await app.acquireTokenSilent({ account, scopes: [`${COSMOS}/.default`] });
    expect(decodeJwt(cosmos.accessToken).aud).toBe(COSMOS);
    expect(entra.requests.at(-1)).toMatchObject({ grantType: 'refresh_token', resource: COSMOS });
  });

  it('answers a revoked refresh token with interaction required', async () => {
    const app = await newApp();
    const { account } = await deviceCodeLogin(app);
    entra.revokeRefreshTokens('alice@contoso.com');
    const failure = app.acquireTokenSilent({
      account: account!,
      scopes: [`${PG}/.default`],
      forceRefresh: true,
    });
    await expect(failure).rejects.toBeInstanceOf(InteractionRequiredAuthError);
    await expect(failure).rejects.toMatchObject({ errorCode: 'invalid_grant' });
    await expect(failure).rejects.toThrow(/AADSTS50173/);
  });

  it('injects 503 and 429 with Retry-After, then clears counted faults', async () => {
    const app = await newApp();
    const { account } = await deviceCodeLogin(app);
    entra.injectFault({ endpoint: 'token', kind: 'http-503', count: 1 });
    await expect(
      app.acquireTokenSilent({ account: account!, scopes: [`${PG}/.default`], forceRefresh: true }),
    ).rejects.toThrow(/AADSTS90006/);
    // MSAL remembers a 429/5xx per request and answers repeats itself for a while: a new client
    // (another pgentra process) does go to the network and meets the next fault.
    const second = await newApp();
    const { account: again } = await deviceCodeLogin(second);
    entra.injectFault({ endpoint: 'token', kind: 'http-429', count: 1, retryAfterSec: 7 });
    await expect(
      second.acquireTokenSilent({ account: again!, scopes: [`${PG}/.default`], forceRefresh: true }),
    ).rejects.toThrow(/AADSTS50196/);
    const tokenCalls = entra.requests.filter((r) => r.endpoint === 'token').length;
    // The counted fault is spent: the next client gets a token.
    expect((await deviceCodeLogin(await newApp())).accessToken).toBeTruthy();
    expect(entra.requests.filter((r) => r.endpoint === 'token').length).toBeGreaterThan(tokenCalls);
  });

  it('a stalled endpoint times out at the network client deadline and close() still returns', async () => {
    const app = await newApp(1_500);
    entra.injectFault({ endpoint: 'devicecode', kind: 'stall', count: 1 });
    const started = Date.now();
    await expect(
      app.acquireTokenByDeviceCode({ scopes: [`${PG}/.default`], deviceCodeCallback: () => undefined }),
    ).rejects.toThrow(/no answer|network/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('issues tokens that live only seconds when told to', async () => {
    entra.setTokenLifetime(5);
    try {
      const result = await deviceCodeLogin(await newApp());
      const claims = decodeJwt(result.accessToken);
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(5);
    } finally {
      entra.setTokenLifetime(3600);
    }
  });
});
