// The real @azure/msal-node (and real Chromium) against the testbed's fake Entra ID. If these pass,
// what pgentra does with MSAL is exercised for real, offline; where msal-node behaves in a way
// pgentra must design around (error shapes of 429/5xx, its own throttling), the test pins it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  InteractionRequiredAuthError,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type AuthenticationResult,
} from '@azure/msal-node';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chromiumLaunch } from '../../playwright.config.js';
import {
  chromiumTrustArgs,
  createHttpsNetworkClient,
  startFakeEntra,
  type FakeEntra,
} from '../support/testbed/fake-entra/index.js';
import { createTestCa, type TestCa } from '../support/testbed/tls.js';

const exec = promisify(execFile);
const PG = 'https://ossrdbms-aad.database.windows.net';
const COSMOS = 'https://token.postgres.cosmos.azure.com';
const ALICE = 'alice@contoso.com';
const BOB = 'bob@contoso.com';

const cacheSchema = z.object({
  RefreshToken: z.record(z.string(), z.object({ secret: z.string().min(1) })),
});
const jwksSchema = z.object({ keys: z.array(z.object({ kid: z.string() }).passthrough()).min(1) });
const entraErrorSchema = z.object({
  error: z.string(),
  error_description: z.string(),
  error_codes: z.array(z.number()),
  timestamp: z.string(),
  trace_id: z.string().uuid(),
  correlation_id: z.string(),
});

/** Rejections are inspected field by field; a resolved promise here is a test failure. */
async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error as Error & Record<string, unknown>;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, got a result');
}

describe('fake Entra ID with the real msal-node', () => {
  let dir: string;
  let ca: TestCa;
  let caPem: Buffer;
  let entra: FakeEntra;
  let browser: Browser;

  const newApp = (options: { timeoutMs?: number; authority?: string; clientId?: string } = {}) =>
    new PublicClientApplication({
      auth: {
        clientId: options.clientId ?? entra.clientId,
        authority: options.authority ?? entra.authority,
        knownAuthorities: [entra.knownAuthority],
      },
      system: { networkClient: createHttpsNetworkClient({ ca: caPem, timeoutMs: options.timeoutMs }) },
    });

  const deviceCodeLogin = async (app: PublicClientApplication, resource = PG) => {
    const result = await app.acquireTokenByDeviceCode({
      scopes: [`${resource}/.default`],
      deviceCodeCallback: () => undefined,
    });
    if (!result?.account) throw new Error('device code sign-in returned no account');
    return result as AuthenticationResult & { account: AccountInfo };
  };

  /** A plain HTTPS request that trusts the testbed CA, for what MSAL never shows (headers, HTML). */
  const raw = (
    url: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>(
      (resolve, reject) => {
        const request = https.request(
          url,
          { method: init.method ?? 'GET', ca: caPem, headers: init.headers },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          },
        );
        request.on('error', reject);
        request.end(init.body);
      },
    );
  const postForm = (url: string, form: Record<string, string>) =>
    raw(url, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const tokenEndpoint = () => `${entra.authority}/oauth2/v2.0/token`;
  const jwks = async () =>
    createLocalJWKSet(jwksSchema.parse(JSON.parse((await raw(entra.jwksUri)).text)) as JSONWebKeySet);
  const tokenRequestsSince = (index: number) =>
    entra.requests.slice(index).filter((r) => r.endpoint === 'token');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-entra-'));
    ca = await createTestCa(path.join(dir, 'ca'));
    caPem = await fs.readFile(ca.caFile);
    entra = await startFakeEntra({
      dir: path.join(dir, 'entra'),
      ca,
      users: [{ upn: ALICE, name: 'Alice Example' }, { upn: BOB }],
      groups: [
        { name: 'pgentra devs', members: [ALICE] },
        { name: 'pgentra readers', members: [ALICE, 'BOB@contoso.com'] },
      ],
      tokenLifetimeSec: 3600,
      // Most tests only need a signed-in account; the device-code test sets its own poll count.
      deviceCodeAutoApproveAfterPolls: 0,
      // Stricter than Entra, so a lost rotation cannot hide; one test checks the lenient default.
      rejectReusedRefreshTokens: true,
    });
    browser = await chromium.launch({
      ...chromiumLaunch,
      args: [...chromiumLaunch.args, ...chromiumTrustArgs(caPem)],
    });
  });
  afterEach(() => {
    entra.clearFaults();
    entra.loginAs(ALICE);
    entra.setTokenLifetime(3600);
    entra.setClockSkewSec(0);
    entra.setDeviceCodeAutoApprove(0);
    entra.setRejectReusedRefreshTokens(true);
  });
  afterAll(async () => {
    await browser?.close();
    await entra?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('signs in by device code after N pending polls and issues an Entra-shaped PostgreSQL token', async () => {
    entra.setDeviceCodeAutoApprove(2);
    const app = newApp();
    const first = entra.requests.length;
    let message = '';
    const result = await app.acquireTokenByDeviceCode({
      scopes: [`${PG}/.default`],
      deviceCodeCallback: (response) => (message = response.message),
    });
    if (!result) throw new Error('no result');
    expect(message).toMatch(
      new RegExp(`open the page ${entra.origin}/devicelogin and enter the code [0-9A-F]{9} to authenticate`),
    );
    const polls = tokenRequestsSince(first);
    expect(polls.map((r) => [r.grantType, r.status])).toEqual([
      ['device_code', 400],
      ['device_code', 400],
      ['device_code', 200],
    ]);

    const alice = entra.users[0]!;
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({
      aud: PG,
      iss: `https://sts.windows.net/${entra.tenantId}/`,
      tid: entra.tenantId,
      oid: alice.oid,
      upn: ALICE,
      unique_name: ALICE,
      name: 'Alice Example',
      appid: entra.clientId,
      scp: 'user_impersonation',
      ver: '1.0',
    });
    expect(claims.groups).toEqual([entra.groups[0]!.id, entra.groups[1]!.id]);
    expect(claims.nbf).toBe(claims.iat);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(Math.abs((claims.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect((result.expiresOn?.getTime() ?? 0) / 1000 - Date.now() / 1000).toBeGreaterThan(3590);

    // Signed by the key the JWKS publishes, verifiable the way the gateway does it.
    expect(decodeProtectedHeader(result.accessToken).kid).toBeTruthy();
    await expect(
      jwtVerify(result.accessToken, await jwks(), { issuer: entra.issuer, audience: PG }),
    ).resolves.toBeTruthy();

    expect(result.account).toMatchObject({
      username: ALICE,
      tenantId: entra.tenantId,
      homeAccountId: `${alice.oid}.${entra.tenantId}`,
      environment: entra.knownAuthority,
    });
    expect(result.idTokenClaims).toMatchObject({
      aud: entra.clientId,
      tid: entra.tenantId,
      preferred_username: ALICE,
    });
    // The request log is safe to print: no token ever lands in it.
    expect(JSON.stringify(entra.requests)).not.toContain(result.accessToken.split('.')[2]);
  });

  it('lets a person approve a device code on the devicelogin page in Chromium, or a test by user code', async () => {
    entra.setDeviceCodeAutoApprove(false);
    entra.loginAs(BOB);
    const page = await browser.newPage();
    try {
      const viaPage = await newApp().acquireTokenByDeviceCode({
        scopes: [`${PG}/.default`],
        deviceCodeCallback: (response) => {
          void (async () => {
            await page.goto(response.verificationUri);
            await page.fill('#otc', response.userCode.toLowerCase());
            await page.click('#next');
          })();
        },
      });
      expect(decodeJwt(viaPage!.accessToken).upn).toBe(BOB);
      await expect.poll(() => page.textContent('#done')).toContain(`as ${BOB}`);
    } finally {
      await page.close();
    }

    entra.loginAs(ALICE);
    const viaApi = await newApp().acquireTokenByDeviceCode({
      scopes: [`${PG}/.default`],
      deviceCodeCallback: (response) => {
        expect(() => entra.approveDeviceCode('ZZZZZZZZZ')).toThrow(/no pending device code/);
        entra.approveDeviceCode(response.userCode);
      },
    });
    expect(decodeJwt(viaApi!.accessToken).upn).toBe(ALICE);
  });

  it('signs in interactively: real Chromium trusting the testbed CA, form_post to the loopback, PKCE', async () => {
    entra.loginAs(BOB);
    const page = await browser.newPage();
    const first = entra.requests.length;
    let authorizeUrl = '';
    try {
      const result = await newApp().acquireTokenInteractive({
        scopes: [`${PG}/.default`],
        openBrowser: async (url) => {
          authorizeUrl = url;
          await page.goto(url);
        },
        successTemplate: '<p id="msal-done">signed in</p>',
        // msal-node sends no nonce unless asked; given one, it insists the ID token echoes it.
        nonce: 'nonce-4711',
      });
      const claims = decodeJwt(result.accessToken);
      expect(claims).toMatchObject({ upn: BOB, aud: PG, groups: [entra.groups[1]!.id] });
      expect(result.account?.username).toBe(BOB);
      expect(result.idTokenClaims).toMatchObject({ nonce: 'nonce-4711', aud: entra.clientId });
      // Chromium followed Entra's auto-submitting form to MSAL's loopback and shows its page.
      await expect.poll(() => page.textContent('#msal-done')).toBe('signed in');
    } finally {
      await page.close();
    }
    const query = new URL(authorizeUrl).searchParams;
    expect(query.get('response_mode')).toBe('form_post');
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);
    expect(
      entra.requests
        .slice(first)
        .filter((r) => r.endpoint === 'authorize' || r.endpoint === 'token')
        .map((r) => [r.endpoint, r.grantType, r.status]),
    ).toEqual([
      ['authorize', undefined, 200],
      ['token', 'authorization_code', 200],
    ]);
  });

  it('sends an OAuth error from /authorize back through the form_post, as Entra does', async () => {
    entra.injectFault({ endpoint: 'authorize', kind: 'access-denied', count: 1 });
    const page = await browser.newPage();
    try {
      const failure = await failureOf(
        newApp().acquireTokenInteractive({
          scopes: [`${PG}/.default`],
          openBrowser: async (url) => void (await page.goto(url)),
        }),
      );
      expect(failure).toBeInstanceOf(ServerError);
      expect(failure).toMatchObject({ errorCode: 'access_denied' });
      expect(failure.message).toContain('AADSTS65004');
    } finally {
      await page.close();
    }
  });

  it('checks PKCE, redeems a code once, and knows its tenants', async () => {
    const verifier = 'v'.repeat(43);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = async () => {
      const query = new URLSearchParams({
        client_id: entra.clientId,
        redirect_uri: 'http://localhost:1234',
        response_type: 'code',
        response_mode: 'form_post',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: `${PG}/.default openid profile offline_access`,
        state: 's1',
      });
      const page = await raw(`${entra.authority}/oauth2/v2.0/authorize?${query}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('action="http://localhost:1234"');
      expect(page.text).toContain('name="state" value="s1"');
      return /name="code" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    };
    const redeem = (code: string, codeVerifier: string) =>
      postForm(tokenEndpoint(), {
        grant_type: 'authorization_code',
        client_id: entra.clientId,
        code,
        code_verifier: codeVerifier,
        redirect_uri: 'http://localhost:1234',
        scope: `${PG}/.default`,
      });

    const wrong = await redeem(await authorize(), 'w'.repeat(43));
    expect(wrong.status).toBe(400);
    expect(entraErrorSchema.parse(JSON.parse(wrong.text))).toMatchObject({
      error: 'invalid_grant',
      error_codes: [501481],
    });

    const code = await authorize();
    expect((await redeem(code, verifier)).status).toBe(200);
    const again = entraErrorSchema.parse(JSON.parse((await redeem(code, verifier)).text));
    expect(again).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });

    const query = new URLSearchParams({
      client_id: entra.clientId,
      redirect_uri: 'https://evil.example',
      response_type: 'code',
      response_mode: 'form_post',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid',
    });
    const refused = await raw(`${entra.authority}/oauth2/v2.0/authorize?${query}`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('AADSTS50011');

    const unknownTenant = await raw(
      `${entra.origin}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    expect(unknownTenant.status).toBe(400);
    expect(JSON.parse(unknownTenant.text)).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });

    // /organizations works as an authority and lands in the one tenant.
    const viaOrganizations = await deviceCodeLogin(newApp({ authority: `${entra.origin}/organizations` }));
    expect(decodeJwt(viaOrganizations.accessToken).tid).toBe(entra.tenantId);
    expect(viaOrganizations.account.tenantId).toBe(entra.tenantId);

    // msal-node does not check the /devicecode answer: the callback gets a prompt with no code in
    // it, and the failure surfaces later from polling, without the AADSTS number.
    const prompts: unknown[] = [];
    const stranger = await failureOf(
      newApp({ clientId: '00000000-0000-0000-0000-000000000001' }).acquireTokenByDeviceCode({
        scopes: [`${PG}/.default`],
        deviceCodeCallback: (response) => prompts.push(response.userCode),
      }),
    );
    expect(prompts).toEqual([undefined]);
    expect(stranger).toMatchObject({ errorCode: 'post_request_failed' });
    expect(stranger.message).toContain('unauthorized_client');
    expect(stranger.message).not.toContain('AADSTS');
    expect(entra.requests.at(-2)).toMatchObject({ endpoint: 'devicecode', status: 400 });
  });

  it('serves silently from the cache, refreshes with forceRefresh (rotating the refresh token), and mints Cosmos from the same refresh token', async () => {
    const app = newApp();
    const first = await deviceCodeLogin(app);
    const refreshTokenNow = () =>
      Object.values(cacheSchema.parse(JSON.parse(app.getTokenCache().serialize())).RefreshToken)[0]!.secret;
    const originalRt = refreshTokenNow();

    const before = entra.requests.length;
    const cached = await app.acquireTokenSilent({ account: first.account, scopes: [`${PG}/.default`] });
    expect(cached.accessToken).toBe(first.accessToken);
    expect(cached.fromCache).toBe(true);
    expect(entra.requests.length).toBe(before);

    const refreshed = await app.acquireTokenSilent({
      account: first.account,
      scopes: [`${PG}/.default`],
      forceRefresh: true,
    });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(entra.requests.at(-1)).toMatchObject({
      endpoint: 'token',
      grantType: 'refresh_token',
      status: 200,
    });
    expect(refreshTokenNow()).not.toBe(originalRt);

    // The used refresh token is dead: replaying it (as a second process with a stale cache would) fails.
    const replay = await failureOf(
      newApp().acquireTokenByRefreshToken({ refreshToken: originalRt, scopes: [`${PG}/.default`] }),
    );
    expect(replay).toBeInstanceOf(InteractionRequiredAuthError);
    expect(replay).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token' });
    expect(replay.message).toContain('already used');

    // Entra's own behaviour (the default): the used token is replaced but stays valid.
    entra.setRejectReusedRefreshTokens(false);
    const beforeLenient = refreshTokenNow();
    await app.acquireTokenSilent({ account: first.account, scopes: [`${PG}/.default`], forceRefresh: true });
    expect(refreshTokenNow()).not.toBe(beforeLenient);
    await expect(
      newApp().acquireTokenByRefreshToken({ refreshToken: beforeLenient, scopes: [`${PG}/.default`] }),
    ).resolves.toMatchObject({ account: { username: ALICE } });
    entra.setRejectReusedRefreshTokens(true);
    const rotatedRt = refreshTokenNow();

    const cosmos = await app.acquireTokenSilent({ account: first.account, scopes: [`${COSMOS}/.default`] });
    expect(decodeJwt(cosmos.accessToken)).toMatchObject({ aud: COSMOS, upn: ALICE });
    expect(entra.requests.at(-1)).toMatchObject({
      grantType: 'refresh_token',
      resource: COSMOS,
      status: 200,
    });
    expect(refreshTokenNow()).not.toBe(rotatedRt);
    // Both resources now come from the cache.
    const count = entra.requests.length;
    await app.acquireTokenSilent({ account: first.account, scopes: [`${PG}/.default`] });
    await app.acquireTokenSilent({ account: first.account, scopes: [`${COSMOS}/.default`] });
    expect(entra.requests.length).toBe(count);
  });

  it('answers an MFA challenge, a revoked refresh token and an invalid grant with InteractionRequiredAuthError', async () => {
    const app = newApp();
    const { account } = await deviceCodeLogin(app);
    const refresh = () => app.acquireTokenSilent({ account, scopes: [`${PG}/.default`], forceRefresh: true });

    entra.injectFault({ endpoint: 'token', kind: 'interaction-required', count: 1 });
    const mfa = await failureOf(refresh());
    expect(mfa).toBeInstanceOf(InteractionRequiredAuthError);
    expect(mfa).toMatchObject({
      errorCode: 'interaction_required',
      subError: 'basic_action',
      errorNo: 50076,
    });
    expect(JSON.parse(String(mfa.claims))).toHaveProperty('access_token.capolids');
    // The fault was counted and msal kept the refresh token (it only drops one on `bad_token`).
    await expect(refresh()).resolves.toMatchObject({ fromCache: false });

    entra.revokeRefreshTokens(BOB);
    await expect(refresh()).resolves.toMatchObject({ fromCache: false });
    entra.revokeRefreshTokens(ALICE);
    const revoked = await failureOf(refresh());
    expect(revoked).toBeInstanceOf(InteractionRequiredAuthError);
    expect(revoked).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token', errorNo: 50173 });
    // msal deleted the refresh token on `bad_token`: the next attempt never reaches Entra.
    const before = entra.requests.length;
    const gone = await failureOf(refresh());
    expect(gone).toBeInstanceOf(InteractionRequiredAuthError);
    expect(gone).toMatchObject({ errorCode: 'no_tokens_found' });
    expect(entra.requests.length).toBe(before);

    // A new sign-in gets a refresh token that works; an injected invalid grant then ends it too.
    const fresh = newApp();
    const again = await deviceCodeLogin(fresh);
    const refreshFresh = () =>
      fresh.acquireTokenSilent({ account: again.account, scopes: [`${PG}/.default`], forceRefresh: true });
    await expect(refreshFresh()).resolves.toMatchObject({ fromCache: false });
    entra.injectFault({ endpoint: 'token', kind: 'invalid-grant', count: 1 });
    const invalid = await failureOf(refreshFresh());
    expect(invalid).toBeInstanceOf(InteractionRequiredAuthError);
    expect(invalid).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token', errorNo: 70000 });
  });

  it('503 and 429: what msal-node surfaces (no status, no Retry-After) and how it throttles repeats itself', async () => {
    const app = newApp();
    const { account } = await deviceCodeLogin(app);
    const refresh = () => app.acquireTokenSilent({ account, scopes: [`${PG}/.default`], forceRefresh: true });

    entra.injectFault({ endpoint: 'token', kind: 'http-503', count: 1 });
    const before = entra.requests.length;
    const unavailable = await failureOf(refresh());
    expect(unavailable).toBeInstanceOf(ServerError);
    expect(unavailable).toMatchObject({ errorCode: 'temporarily_unavailable', errorNo: 90006 });
    expect(unavailable.message).toContain('AADSTS90006');
    // msal-node sets ServerError.status only for confidential clients: a public client never sees 503.
    expect(unavailable.status).toBeUndefined();
    expect(tokenRequestsSince(before).map((r) => [r.status, r.fault])).toEqual([[503, 'http-503']]);

    // The fault is spent, but msal remembers the 5xx for this request (60 s without Retry-After)
    // and answers the repeat itself, with the AADSTS number as the error code.
    const repeat = await failureOf(refresh());
    expect(repeat).toBeInstanceOf(ServerError);
    expect(repeat).toMatchObject({ errorCode: '90006' });
    expect(tokenRequestsSince(before)).toHaveLength(1);

    // A fresh client (another process) goes to the network and meets a 429.
    const second = newApp();
    const again = await deviceCodeLogin(second);
    entra.injectFault({ endpoint: 'token', kind: 'http-429', count: 1, retryAfterSec: 7 });
    const mark = entra.requests.length;
    const throttled = await failureOf(
      second.acquireTokenSilent({ account: again.account, scopes: [`${PG}/.default`], forceRefresh: true }),
    );
    expect(throttled).toBeInstanceOf(ServerError);
    expect(throttled).toMatchObject({ errorCode: 'temporarily_unavailable', errorNo: 50196 });
    expect(throttled.status).toBeUndefined();
    expect(Object.keys(throttled).filter((k) => /retry/i.test(k))).toEqual([]);
    expect(tokenRequestsSince(mark).map((r) => [r.status, r.fault])).toEqual([[429, 'http-429']]);

    // The header is on the wire, where only a custom network client can read it.
    entra.injectFault({ endpoint: 'token', kind: 'http-429', count: 1, retryAfterSec: 7 });
    const wire = await postForm(tokenEndpoint(), { grant_type: 'refresh_token', client_id: entra.clientId });
    expect(wire.status).toBe(429);
    expect(wire.headers['retry-after']).toBe('7');
    expect(entraErrorSchema.parse(JSON.parse(wire.text)).error_codes).toEqual([50196]);

    // The counted faults are gone: a third client signs in.
    await expect(deviceCodeLogin(newApp())).resolves.toBeTruthy();
  });

  it('fails discovery cleanly when the metadata endpoint is down; `*` faults hit every endpoint', async () => {
    entra.injectFault({ endpoint: 'discovery', kind: 'http-500', count: 1 });
    const failure = await failureOf(deviceCodeLogin(newApp()));
    expect(failure).toMatchObject({ errorCode: 'endpoints_resolution_error' });
    expect(entra.requests.at(-1)).toMatchObject({ endpoint: 'discovery', status: 500, fault: 'http-500' });

    // A `*` fault hits every protocol endpoint, for its count, and then clears itself.
    entra.injectFault({ endpoint: '*', kind: 'http-503', count: 2, retryAfterSec: 3 });
    const keys = await raw(entra.jwksUri);
    expect([keys.status, keys.headers['retry-after']]).toEqual([503, '3']);
    expect((await raw(`${entra.authority}/v2.0/.well-known/openid-configuration`)).status).toBe(503);
    expect((await raw(entra.jwksUri)).status).toBe(200);
  });

  it('a stall is seen as a timeout (network-client deadline, or the caller giving up) and close() still returns at once', async () => {
    const stalled = await startFakeEntra({ dir: path.join(dir, 'stalled'), ca, users: [{ upn: ALICE }] });
    try {
      const appFor = (timeoutMs: number) =>
        new PublicClientApplication({
          auth: {
            clientId: stalled.clientId,
            authority: stalled.authority,
            knownAuthorities: [stalled.knownAuthority],
          },
          system: { networkClient: createHttpsNetworkClient({ ca: caPem, timeoutMs }) },
        });
      const login = (app: PublicClientApplication) =>
        app.acquireTokenByDeviceCode({ scopes: [`${PG}/.default`], deviceCodeCallback: () => undefined });

      stalled.injectFault({ endpoint: 'devicecode', kind: 'stall' });
      let started = Date.now();
      const deadline = await failureOf(login(appFor(800)));
      // msal replaces any non-msal error from a network client with a bare network_error.
      expect(deadline).toMatchObject({ errorCode: 'network_error' });
      expect(Date.now() - started).toBeLessThan(5_000);

      // msal has no deadline of its own: with a patient client only the caller's timer ends the wait.
      const pending = login(appFor(60_000));
      const outcome = await Promise.race([
        pending.then(
          () => 'answered',
          () => 'failed',
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 1_000)),
      ]);
      expect(outcome).toBe('still waiting');
      expect(stalled.requests.filter((r) => r.fault === 'stall').every((r) => r.status === undefined)).toBe(
        true,
      );

      started = Date.now();
      await stalled.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      // Closing cut the stalled connection, so the forgotten call ends too (as a network error).
      const cut = await failureOf(pending);
      expect(cut).toMatchObject({ errorCode: 'network_error' });
    } finally {
      await stalled.close();
    }
  });

  it('issues tokens that live only seconds, so msal refreshes on every silent call', async () => {
    entra.setTokenLifetime(4);
    const app = newApp();
    const result = await deviceCodeLogin(app);
    const claims = decodeJwt(result.accessToken);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(4);
    expect((result.expiresOn?.getTime() ?? 0) - Date.now()).toBeLessThan(5_000);
    // Inside msal's 5-minute renewal window: a plain silent call already goes to Entra.
    const before = entra.requests.length;
    const silent = await app.acquireTokenSilent({ account: result.account, scopes: [`${PG}/.default`] });
    expect(silent.fromCache).toBe(false);
    expect(tokenRequestsSince(before).map((r) => r.grantType)).toEqual(['refresh_token']);

    entra.setTokenLifetime({ min: 60, max: 90 });
    const lifetimes = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const c = decodeJwt(await entra.mintAccessToken({ upn: ALICE, resource: PG }));
        return (c.exp ?? 0) - (c.iat ?? 0);
      }),
    );
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...lifetimes)).toBeLessThanOrEqual(90);
    expect(new Set(lifetimes).size).toBeGreaterThan(1);
    expect(() => entra.setTokenLifetime({ min: 10, max: 5 })).toThrow();
  });

  it('dates tokens by a skewed IdP clock while msal keeps expiry on its own clock', async () => {
    entra.setClockSkewSec(-900);
    const app = newApp();
    const result = await deviceCodeLogin(app);
    const claims = decodeJwt(result.accessToken);
    expect((claims.iat ?? 0) - Date.now() / 1000).toBeCloseTo(-900, -1);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    // MSAL computes expiresOn from expires_in and the local clock: 15 minutes later than `exp`.
    expect((result.expiresOn?.getTime() ?? 0) / 1000 - (claims.exp ?? 0)).toBeCloseTo(900, -1);

    entra.setClockSkewSec(0);
    entra.injectFault({ endpoint: 'token', kind: 'clock-skew', skewSec: 600, count: 1 });
    const skewed = decodeJwt(
      (
        await app.acquireTokenSilent({
          account: result.account,
          scopes: [`${PG}/.default`],
          forceRefresh: true,
        })
      ).accessToken,
    );
    const normal = decodeJwt(
      (
        await app.acquireTokenSilent({
          account: result.account,
          scopes: [`${PG}/.default`],
          forceRefresh: true,
        })
      ).accessToken,
    );
    expect((skewed.iat ?? 0) - Date.now() / 1000).toBeCloseTo(600, -1);
    expect(Math.abs((normal.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('mints tokens for gateway tests, and forges ones the JWKS rejects', async () => {
    const keys = await jwks();
    const good = await entra.mintAccessToken({ upn: BOB, resource: COSMOS, lifetimeSec: 120 });
    const { payload } = await jwtVerify(good, keys, { issuer: entra.issuer, audience: COSMOS });
    expect(payload).toMatchObject({ upn: BOB, groups: [entra.groups[1]!.id], appid: entra.clientId });
    expect(payload.exp! - payload.iat!).toBe(120);

    const forged = await entra.signWithForeignKey({ upn: ALICE, resource: PG });
    expect(decodeProtectedHeader(forged).kid).toBe(decodeProtectedHeader(good).kid);
    expect(decodeJwt(forged)).toMatchObject({ upn: ALICE, aud: PG, iss: entra.issuer });
    await expect(jwtVerify(forged, keys)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    const unknownKid = await entra.signWithForeignKey({ upn: ALICE, resource: PG, kid: 'not-published' });
    await expect(jwtVerify(unknownKid, keys)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });

    const wrongTenant = await entra.mintAccessToken({
      upn: ALICE,
      resource: PG,
      claims: { tid: 'other-tenant' },
    });
    expect(decodeJwt(wrongTenant).tid).toBe('other-tenant');
    await expect(entra.mintAccessToken({ upn: 'nobody@contoso.com', resource: PG })).rejects.toThrow(
      /unknown user/,
    );
  });

  it('is driven over its control endpoint by another process, with the body validated', async () => {
    const control = (body: unknown) =>
      raw(`${entra.origin}/_testbed/control`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    expect((await control('not json')).status).toBe(400);
    const badKind = await control({ op: 'fault', endpoint: 'token', kind: 'http-418' });
    expect(badKind.status).toBe(400);
    expect(badKind.text).toContain('kind');
    expect((await control({ op: 'login-as', upn: 'nobody@contoso.com' })).text).toContain('unknown user');
    expect((await control({ op: 'lifetime', sec: { min: 9, max: 3 } })).status).toBe(400);
    expect((await control({ op: 'refresh-token-reuse', reject: 'yes' })).status).toBe(400);
    expect((await control({ op: 'clock-skew', sec: 30 })).status).toBe(200);
    expect(decodeJwt(await entra.mintAccessToken({ upn: ALICE, resource: PG })).iat).toBeGreaterThan(
      Date.now() / 1000 + 25,
    );

    // A separate Node process, trusting the CA the way a user's shell would (NODE_EXTRA_CA_CERTS,
    // msal's own fetch-based client), signs in and then drives a fault through the control endpoint.
    const script = `
      import { PublicClientApplication } from '@azure/msal-node';
      const [authority, known, clientId, scope, controlUrl] = process.argv.slice(1);
      const app = new PublicClientApplication({ auth: { clientId, authority, knownAuthorities: [known] } });
      const result = await app.acquireTokenByDeviceCode({ scopes: [scope], deviceCodeCallback: () => {} });
      const claims = JSON.parse(Buffer.from(result.accessToken.split('.')[1], 'base64url').toString());
      const control = await fetch(controlUrl, { method: 'POST', body: JSON.stringify({ op: 'fault', endpoint: 'token', kind: 'http-503', count: 1 }) });
      let failure;
      try { await app.acquireTokenSilent({ account: result.account, scopes: [scope], forceRefresh: true }); }
      catch (e) { failure = { name: e.name, errorCode: e.errorCode, errorNo: e.errorNo, status: e.status ?? null }; }
      process.stdout.write(JSON.stringify({ upn: claims.upn, aud: claims.aud, control: control.status, failure }));
    `;
    const { stdout } = await exec(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        script,
        entra.authority,
        entra.knownAuthority,
        entra.clientId,
        `${PG}/.default`,
        `${entra.origin}/_testbed/control`,
      ],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: entra.caFile }, cwd: process.cwd(), timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toEqual({
      upn: ALICE,
      aud: PG,
      control: 200,
      failure: { name: 'ServerError', errorCode: 'temporarily_unavailable', errorNo: 90006, status: null },
    });
  });
});
