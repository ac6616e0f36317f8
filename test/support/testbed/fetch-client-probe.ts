// Runs pgentra's fetch network client (the tray's, over Electron's net.fetch) with Node's own
// `fetch` standing in for net.fetch, against the fake Entra ID named in PROBE (JSON), and prints
// what it saw as one JSON line. A child process because Node's fetch trusts a CA only through
// NODE_EXTRA_CA_CERTS, read at process start: the parent mints the testbed CA during the run.
import net from 'node:net';
import { createFetchNetworkClient } from '../../../electron/core/auth/network-client.js';
import { MsalSession } from '../../../electron/core/auth/msal-session.js';
import { systemClock } from '../../../electron/core/node-ports.js';
import { memoryCache } from '../fakes/memory-cache.js';

const probe = JSON.parse(process.env.PROBE ?? '{}') as {
  authority: string;
  clientId: string;
  tenantId: string;
  resource: string;
};

const fetches: string[] = [];
const client = createFetchNetworkClient({
  fetch: (url, init) => {
    fetches.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
    return fetch(url, init);
  },
  timeoutMs: 5_000,
});

const discovery = await client.sendGetRequestAsync<{ token_endpoint: string }>(
  `${probe.authority}/v2.0/.well-known/openid-configuration`,
);
// The parent injected one 429 on the token endpoint: its Retry-After must survive.
const throttled = await client.sendPostRequestAsync(discovery.body.token_endpoint, {
  body: 'grant_type=refresh_token&refresh_token=x',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});
const throttledHint = client.takeFailureHint();

const host = new URL(probe.authority).host;
const session = await MsalSession.create({
  settings: {
    authorityHost: `https://${host}`,
    knownAuthorities: [host],
    clientId: probe.clientId,
    tenant: probe.tenantId,
  },
  cachePlugin: memoryCache(),
  networkClient: client,
  clock: systemClock,
});
const account = await session.signInDeviceCode({ resource: probe.resource, onCode: () => undefined });
const refreshed = await session.acquire({
  accountId: account.id,
  resource: probe.resource,
  forceRefresh: true,
});

// A port nothing listens on any more.
const closed = net.createServer();
await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
const closedPort = (closed.address() as net.AddressInfo).port;
await new Promise<void>((resolve) => closed.close(() => resolve()));
let unreachable = '';
try {
  await client.sendGetRequestAsync(`https://127.0.0.1:${closedPort}/nothing-listens-here`);
} catch (error) {
  unreachable = error instanceof Error ? error.message : String(error);
}

console.log(
  JSON.stringify({
    discoveryStatus: discovery.status,
    throttledStatus: throttled.status,
    throttledHint,
    username: account.username,
    tokenLooksLikeJwt: refreshed.accessToken.startsWith('eyJ'),
    unreachable: unreachable.replace(String(closedPort), 'PORT'),
    unreachableHint: client.takeFailureHint()?.networkProblem?.replace(String(closedPort), 'PORT'),
    fetches,
  }),
);
