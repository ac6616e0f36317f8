// pgentra's two MSAL network clients against the testbed's fake Entra ID (real HTTPS):
// - the tray's, over a `fetch` port (Electron's net.fetch in the app: Chromium's network stack,
//   the system proxy, PAC and WPAD, electron docs/api/net.md), with Node's fetch standing in;
// - the CLI's node:https client through an HTTP CONNECT proxy named by HTTPS_PROXY. msal-node 7's
//   own client is Node's fetch (@azure/msal-node dist/network/HttpClient.mjs), which ignores
//   HTTPS_PROXY, and msal-node 5 removed `system.proxyUrl`, so sign-in behind a proxy failed.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsNetworkClient } from '../../electron/core/auth/network-client.js';
import { MsalSession } from '../../electron/core/auth/msal-session.js';
import { systemClock } from '../../electron/core/node-ports.js';
import { startFakeEntra, type FakeEntra } from '../support/testbed/fake-entra/index.js';
import { createTestCa } from '../support/testbed/tls.js';
import { memoryCache } from '../support/fakes/memory-cache.js';

const exec = promisify(execFile);
const PG = 'https://ossrdbms-aad.database.windows.net';

/** A forward proxy that only tunnels (CONNECT), as corporate proxies do for https; it records each tunnel. */
async function startConnectProxy(options: { refuse?: number } = {}) {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    tunnels.push(`${request.url ?? ''} auth=${request.headers['proxy-authorization'] ? 'yes' : 'no'}`);
    if (options.refuse) {
      client.end(`HTTP/1.1 ${options.refuse} Proxy Authentication Required\r\n\r\n`);
      return;
    }
    const [host = '', port = '443'] = (request.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      sockets.add(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    // Tunnels kept alive by the clients' agents would hold close() open.
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('network clients against the fake Entra ID', () => {
  let dir: string;
  let entra: FakeEntra;
  let ca: Buffer;
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-network-'));
    entra = await startFakeEntra({
      dir,
      ca: await createTestCa(path.join(dir, 'ca')),
      users: [{ upn: 'alice@contoso.com' }],
    });
    ca = await fs.readFile(entra.caFile);
    proxy = await startConnectProxy();
  });
  afterAll(async () => {
    await proxy?.close();
    await entra?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const session = (env: NodeJS.ProcessEnv) =>
    MsalSession.create({
      settings: {
        authorityHost: `https://${entra.host}:${entra.port}`,
        knownAuthorities: [entra.knownAuthority],
        clientId: entra.clientId,
        tenant: entra.tenantId,
      },
      cachePlugin: memoryCache(),
      networkClient: createHttpsNetworkClient({ extraCa: [ca], env, timeoutMs: 5_000 }),
      clock: systemClock,
    });

  it('the fetch client signs in and refreshes, keeps Retry-After, and names an unreachable host', async () => {
    entra.injectFault({ endpoint: 'token', kind: 'http-429', count: 1, retryAfterSec: 7 });
    const { stdout } = await exec(
      process.execPath,
      ['--import', 'tsx', path.resolve('test/support/testbed/fetch-client-probe.ts')],
      {
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: entra.caFile,
          PROBE: JSON.stringify({
            authority: entra.authority,
            clientId: entra.clientId,
            tenantId: entra.tenantId,
            resource: PG,
          }),
        },
      },
    );
    const seen = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(seen).toMatchObject({
      discoveryStatus: 200,
      throttledStatus: 429,
      throttledHint: { retryAfterSec: 7 },
      username: 'alice@contoso.com',
      tokenLooksLikeJwt: true,
      unreachable: 'cannot reach 127.0.0.1:PORT: ECONNREFUSED',
      unreachableHint: 'cannot reach 127.0.0.1:PORT: ECONNREFUSED',
    });
    // Every request MSAL made went through the port (none through a client of its own).
    expect(seen.fetches).toEqual(
      expect.arrayContaining(['POST /' + entra.tenantId + '/oauth2/v2.0/devicecode']),
    );
  });

  it('the https client goes through HTTPS_PROXY with a CONNECT tunnel, and TLS is still checked end to end', async () => {
    proxy.tunnels.length = 0;
    const msal = await session({ HTTPS_PROXY: proxy.url });
    const account = await msal.signInDeviceCode({ resource: PG, onCode: () => undefined });
    await expect(
      msal.acquire({ accountId: account.id, resource: PG, forceRefresh: true }),
    ).resolves.toMatchObject({
      accessToken: expect.stringMatching(/^eyJ/),
    });
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`${entra.knownAuthority} auth=no`]));

    // Without the testbed CA, the provider's certificate fails inside the tunnel as it would directly.
    const untrusting = createHttpsNetworkClient({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 5_000 });
    await expect(
      untrusting.sendGetRequestAsync(`${entra.authority}/v2.0/.well-known/openid-configuration`),
    ).rejects.toThrow(
      /cannot reach localhost:\d+: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
  });

  it('NO_PROXY bypasses the proxy; a refusing or absent proxy is named in the error', async () => {
    proxy.tunnels.length = 0;
    const direct = createHttpsNetworkClient({
      extraCa: [ca],
      env: { https_proxy: proxy.url, no_proxy: 'example.com,.localhost,localhost' },
    });
    const discovery = `${entra.authority}/v2.0/.well-known/openid-configuration`;
    await expect(direct.sendGetRequestAsync(discovery)).resolves.toMatchObject({ status: 200 });
    expect(proxy.tunnels).toEqual([]);

    const refusing = await startConnectProxy({ refuse: 407 });
    try {
      const behind = createHttpsNetworkClient({
        extraCa: [ca],
        env: { HTTPS_PROXY: refusing.url.replace('http://', 'http://ada:s3cret@') },
      });
      const failure = behind.sendGetRequestAsync(discovery);
      await expect(failure).rejects.toThrow(
        `the proxy ${refusing.url} (HTTPS_PROXY) refused a tunnel to ${entra.knownAuthority}: HTTP 407`,
      );
      await failure.catch((error: unknown) => expect(String(error)).not.toContain('s3cret'));
      expect(refusing.tunnels).toEqual([`${entra.knownAuthority} auth=yes`]);
    } finally {
      await refusing.close();
    }

    const absent = createHttpsNetworkClient({ extraCa: [ca], env: { HTTPS_PROXY: 'http://127.0.0.1:9' } });
    await expect(absent.sendGetRequestAsync(discovery)).rejects.toThrow(
      'cannot reach the proxy http://127.0.0.1:9 (HTTPS_PROXY): ECONNREFUSED',
    );
    expect(absent.takeFailureHint()).toEqual({
      networkProblem: 'cannot reach the proxy http://127.0.0.1:9 (HTTPS_PROXY): ECONNREFUSED',
    });
  });
});
