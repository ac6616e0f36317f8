// A forward over a real Unix socket: only tokens and facts of the clusters it allows, at its rate,
// every request recorded under its label; nothing else of the agent's can be reached through it.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../../support/raw-socket.js';
import { askAgent, holdAgent, untrustedAgent } from '../../../../electron/core/agent/client.js';
import { ForwardClient } from '../../../../electron/core/agent/forward-client.js';
import { ForwardRefusedError, Forwards } from '../../../../electron/core/agent/forwards.js';
import type { AgentEndpoint } from '../../../../electron/core/agent/paths.js';
import type { ForwardedCluster } from '../../../../electron/core/agent/protocol.js';
import { securePrivateDirectory } from '../../../../electron/core/agent/server.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';

const facts = (name: string): ForwardedCluster => ({
  name,
  host: `${name}.postgres.database.azure.com`,
  port: 5432,
  database: 'postgres',
  user: 'alice@contoso.com',
  sslmode: 'verify-full',
  rootcert: { system: true },
});

describe('Forwards', () => {
  let base: string;
  let forwards: Forwards;
  let clock: FakeClock;
  const log: string[] = [];
  let changes = 0;

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-fwd-'));
    const directory = path.join(base, 'run');
    await securePrivateDirectory(directory);
    const endpoint: AgentEndpoint = { address: path.join(directory, 'agent.sock'), directory };
    clock = new FakeClock();
    log.length = 0;
    changes = 0;
    forwards = new Forwards({
      endpoint,
      clock,
      log: (message) => log.push(message),
      owner: 'agent',
      token: async (request) =>
        request.op === 'token'
          ? { ok: true, token: `token-for-${request.cluster}`, expiresAt: clock.now() + 3600_000 }
          : { ok: true, token: 'token-by-target', expiresAt: clock.now() + 3600_000 },
      clusterNames: () => ['prod', 'dev', 'secret'],
      clusterFor: (target) => (target.host === 'dev.postgres.database.azure.com' ? 'dev' : undefined),
      facts: async (name) => facts(name),
      onChange: () => (changes += 1),
    });
  });
  afterEach(async () => {
    await forwards.closeAll();
    await fs.rm(base, { recursive: true, force: true });
  });

  const open = async (clusters?: string[], ratePerMinute?: number) => {
    const lease = await forwards.start({ label: 'jump1', clusters, ratePerMinute });
    const endpoint: AgentEndpoint = { address: lease.address, directory: path.dirname(lease.address) };
    return { lease, endpoint };
  };

  it('hands out tokens of allowed clusters and records them (no token in the record)', async () => {
    const { lease, endpoint } = await open(['prod', 'dev']);
    expect(lease.clusters).toEqual(['prod', 'dev']);
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toMatchObject({
      token: 'token-for-prod',
    });
    expect(
      await askAgent(endpoint, {
        op: 'token-for',
        host: 'dev.postgres.database.azure.com',
        port: 5432,
        user: 'a',
      }),
    ).toMatchObject({ token: 'token-by-target' });
    const [snapshot] = forwards.snapshot();
    expect(snapshot?.fetched).toEqual([
      { cluster: 'prod', count: 1, lastAt: clock.now() },
      { cluster: 'dev', count: 1, lastAt: clock.now() },
    ]);
    expect(JSON.stringify(forwards.snapshot())).not.toContain('token-for');
    expect(log).toContain('forward "jump1": token for prod');
    expect(changes).toBeGreaterThan(0);
  });

  it('refuses a cluster it does not allow, saying so to the remote and in the log', async () => {
    const { endpoint } = await open(['prod']);
    expect(await askAgent(endpoint, { op: 'token', cluster: 'secret' })).toEqual({
      ok: false,
      code: 'config',
      message:
        'pgentra on the desktop refused a token for cluster "secret": it is not allowed through the forward "jump1" (allowed: prod). Reconnect with `pgentra ssh --cluster prod,secret …` to allow it.',
    });
    expect(log).toContain(
      'forward "jump1": refused a token for cluster "secret" (not allowed through this forward)',
    );
    expect(forwards.snapshot()[0]).toMatchObject({ refused: 1, fetched: [] });
    const error = await new ForwardClient(endpoint).token('secret').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'forward-refused' });
  });

  it('answers nothing but tokens, facts and liveness: status and opening forwards are refused', async () => {
    const { endpoint } = await open();
    for (const op of ['status', 'forward-open']) {
      const answer = JSON.parse(
        await rawRequest(endpoint.address, `{"v":1,"op":"${op}","label":"x"}\n`),
      ) as unknown;
      expect(answer).toEqual({
        ok: false,
        code: 'usage',
        message: `"${op}" cannot be asked through a forward: only token, token-for, clusters, ping, watch (tokens and connection facts of the clusters it allows)`,
      });
    }
    expect(JSON.parse(await rawRequest(endpoint.address, `{"v":2,"op":"ping"}\n`))).toMatchObject({
      ok: false,
      message: expect.stringContaining('invalid request field "v"') as string,
    });
  });

  it('lists only the allowed clusters with their connection facts', async () => {
    const { endpoint } = await open(['dev']);
    expect(await new ForwardClient(endpoint).clusters()).toEqual({
      label: 'jump1',
      clusters: [facts('dev')],
    });
  });

  it('allows every configured cluster when none is named, and refuses to forward an unknown one', async () => {
    expect((await open()).lease.clusters).toEqual(['prod', 'dev', 'secret']);
    await expect(forwards.start({ label: 'x', clusters: ['nope'] })).rejects.toThrow(ForwardRefusedError);
    await expect(forwards.start({ label: 'x', clusters: ['nope'] })).rejects.toThrow(
      'no cluster named "nope" to forward (configured: prod, dev, secret)',
    );
  });

  it('refuses requests over the rate limit and logs it once per burst', async () => {
    const { endpoint } = await open(['prod'], 1);
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i += 1)
      expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toEqual({
        ok: false,
        code: 'unreachable',
        message:
          'pgentra on the desktop refused this request: more than 1 a minute came through the forward "jump1"; try again in 60s',
      });
    expect(log.filter((line) => line.includes('over the rate limit'))).toHaveLength(1);
    expect(forwards.snapshot()[0]?.rateLimited).toBe(3);
  });

  it('closing a forward ends its watchers and its socket', async () => {
    const { lease, endpoint } = await open();
    const watch = await holdAgent(endpoint, { op: 'watch' });
    expect(watch?.answer).toEqual({ ok: true, watching: true });
    await forwards.close(lease.id);
    await watch?.ended;
    expect(forwards.snapshot()).toEqual([]);
    expect(await askAgent(endpoint, { op: 'ping' })).toBeNull();
    expect(log.at(-1)).toBe(
      'forward "jump1": closed (0 token(s) handed out, 0 refused, 0 over the rate limit)',
    );
  });
});

describe('a forwarded socket named by PGENTRA_AGENT', () => {
  let base: string;
  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-fwd-trust-'));
  });
  afterEach(async () => fs.rm(base, { recursive: true, force: true }));

  const listen = async (file: string) => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(file, resolve));
    return server;
  };

  it('is trusted when it is ours, 0600, in a folder only we can change', async () => {
    const file = path.join(base, 'fwd.sock');
    const server = await listen(file);
    await fs.chmod(file, 0o600);
    expect(untrustedAgent({ address: file, forwarded: true })).toBeNull();
    await fs.chmod(file, 0o666);
    expect(untrustedAgent({ address: file, forwarded: true })).toMatch(/is open to other users \(mode 666\)/);
    await fs.chmod(file, 0o600);
    await fs.chmod(base, 0o777);
    expect(untrustedAgent({ address: file, forwarded: true })).toMatch(/can be changed by other users/);
    server.close();
  });

  it('is not a socket: refused; absent: nothing to ask', async () => {
    const file = path.join(base, 'plain');
    await fs.writeFile(file, '');
    expect(untrustedAgent({ address: file, forwarded: true })).toMatch(/is not a socket/);
    expect(typeof untrustedAgent({ address: path.join(base, 'none'), forwarded: true })).toBe('symbol');
  });
});
