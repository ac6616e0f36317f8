// The fake Entra ID and the fake ARM answering under Microsoft's own host names: what the bench
// needs so Azure CLI (which hard-codes login.microsoftonline.com and management.azure.com) signs in
// against them. Requests go to 127.0.0.1 with the public name as TLS server name and Host header,
// the way a client with /etc/hosts pointing there sends them.
import { promises as fs } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArm, type FakeArm } from '../support/testbed/fake-arm/index.js';
import { defaultAzure, SUBSCRIPTIONS } from '../support/testbed/fake-arm/world.js';
import { startFakeEntra, type FakeEntra } from '../support/testbed/fake-entra/index.js';
import { createTestCa, issueLeaf } from '../support/testbed/tls.js';

const ENTRA_HOST = 'login.microsoftonline.com';
const ARM_HOST = 'management.azure.com';
const AZ_CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

describe('fake Entra ID and fake ARM under public host names', () => {
  let dir: string;
  let caPem: Buffer;
  let entra: FakeEntra;
  let arm: FakeArm;

  /** An HTTPS request to 127.0.0.1 that verifies the certificate for `host`, as a hosts-file client does. */
  const get = (host: string, pathname: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = https.request(
        {
          host: '127.0.0.1',
          port: host === ARM_HOST ? arm.port : entra.port,
          path: pathname,
          servername: host,
          ca: caPem,
          headers: { host, ...headers },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      request.end();
    });

  const json = (answer: { text: string }) => JSON.parse(answer.text) as unknown;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-entra-hosts-'));
    const ca = await createTestCa(path.join(dir, 'ca'));
    caPem = await fs.readFile(ca.caFile);
    entra = await startFakeEntra({
      dir: path.join(dir, 'entra'),
      ca,
      hostName: ENTRA_HOST,
      tenantId: '11111111-2222-3333-4444-555555555555',
      clientIds: [AZ_CLIENT],
      users: [{ upn: 'alice@contoso.com' }],
    });
    const jwks = await get(ENTRA_HOST, new URL(entra.jwksUri).pathname);
    const armCert = await issueLeaf(ca, 'arm', [ARM_HOST]);
    arm = await startFakeArm({
      tls: { cert: armCert.cert, key: armCert.key },
      hostName: ARM_HOST,
      issuer: entra.issuer,
      tenantId: entra.tenantId,
      keys: createLocalJWKSet(JSON.parse(jwks.text) as JSONWebKeySet),
      // One subscription per page, so the second is behind a nextLink.
      pageSize: 1,
      ...defaultAzure(entra),
    });
  });
  afterAll(async () => {
    await arm?.close();
    await entra?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes its public name into its URLs and serves a certificate for it', async () => {
    expect(entra.origin).toBe(`https://${ENTRA_HOST}:${entra.port}`);
    expect(entra.authority).toBe(`https://${ENTRA_HOST}:${entra.port}/11111111-2222-3333-4444-555555555555`);
    const discovery = await get(ENTRA_HOST, '/organizations/v2.0/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(json(discovery)).toMatchObject({
      token_endpoint: `https://${ENTRA_HOST}:${entra.port}/organizations/oauth2/v2.0/token`,
      device_authorization_endpoint: `https://${ENTRA_HOST}:${entra.port}/organizations/oauth2/v2.0/devicecode`,
    });
  });

  it("answers MSAL Python's instance discovery with its one name as the aliases", async () => {
    const before = entra.requests.length;
    const answer = await get(
      ENTRA_HOST,
      '/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/authorize',
    );
    expect(answer.status).toBe(200);
    expect(json(answer)).toMatchObject({
      metadata: [{ preferred_network: ENTRA_HOST, preferred_cache: ENTRA_HOST, aliases: [ENTRA_HOST] }],
    });
    expect(entra.requests.slice(before).map((r) => r.endpoint)).toEqual(['instance-discovery']);
  });

  it("lists the tenant and alice's subscriptions to Azure CLI's management token, and nothing without one", async () => {
    // Azure CLI asks for the classic Azure Service Management resource; ARM takes it.
    const token = await entra.mintAccessToken({
      upn: 'alice@contoso.com',
      resource: 'https://management.core.windows.net/',
    });
    const auth = { authorization: `Bearer ${token}` };
    const entraRequests = entra.requests.length;

    const tenants = await get(ARM_HOST, '/tenants?api-version=2022-12-01', auth);
    expect(tenants.status).toBe(200);
    expect(json(tenants)).toEqual({
      value: [expect.objectContaining({ tenantId: '11111111-2222-3333-4444-555555555555' })],
    });
    const first = await get(ARM_HOST, '/subscriptions?api-version=2022-12-01', auth);
    expect(first.status).toBe(200);
    const page = json(first) as { value: unknown[]; nextLink: string };
    expect(page.value).toEqual([
      expect.objectContaining({
        subscriptionId: SUBSCRIPTIONS.prod,
        state: 'Enabled',
        tenantId: entra.tenantId,
      }),
    ]);
    // The next page is at the public name too, so a client following it comes back here.
    const next = new URL(page.nextLink);
    expect(next.host).toBe(`${ARM_HOST}:${arm.port}`);
    const second = await get(ARM_HOST, `${next.pathname}${next.search}`, auth);
    expect(json(second)).toEqual({ value: [expect.objectContaining({ subscriptionId: SUBSCRIPTIONS.dev })] });

    const postgresToken = await entra.mintAccessToken({
      upn: 'alice@contoso.com',
      resource: 'https://ossrdbms-aad.database.windows.net',
    });
    const bearerPostgres = { authorization: `Bearer ${postgresToken}` };
    expect((await get(ARM_HOST, '/tenants?api-version=2022-12-01', bearerPostgres)).status).toBe(401);
    expect((await get(ARM_HOST, '/tenants?api-version=2022-12-01')).status).toBe(401);
    expect((await get(ARM_HOST, '/resourceGroups?api-version=2022-12-01', auth)).status).toBe(404);

    expect(arm.requests.map((r) => [r.path.replace(/\?.*/, ''), r.status])).toEqual([
      ['/tenants', 200],
      ['/subscriptions', 200],
      ['/subscriptions', 200],
      ['/tenants', 401],
      ['/tenants', 401],
      ['/resourceGroups', 404],
    ]);
    // The fake ARM checked the tokens with the keys it was given: none of this reached the fake Entra.
    expect(entra.requests.length).toBe(entraRequests);
  });
});
