// The point of pgentra: tokens that expire while you work are replaced before anyone notices.
// Short-lived tokens from the fake Entra ID, `pgentra agent` running, a 503 at the moment of the
// first refresh: psql keeps working on the old token, the agent backs off and retries, and after
// the original token has expired psql still logs in with no password prompt.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';
import { conninfoOf, runPsql } from '../support/psql.js';
import { startTestbed, type Testbed } from '../support/testbed.js';

const LIFETIME_SEC = 90;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pgentra agent keeps short-lived tokens fresh through faults', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  let agent: CliRun | undefined;

  const psql = () => {
    const gateway = testbed.facts.gateways.flexible;
    return runPsql(
      conninfoOf({
        host: gateway.host,
        port: gateway.port,
        dbname: testbed.facts.database,
        user: 'alice@contoso.com',
        sslmode: 'verify-full',
        sslrootcert: testbed.facts.caFile,
      }),
      'select current_user',
      { PGPASSFILE: env.PGPASSFILE ?? '', HOME: env.HOME ?? '' },
    );
  };
  const pgpassToken = async () =>
    /:alice@contoso\.com:(\S+)/.exec(await fs.readFile(env.PGPASSFILE ?? '', 'utf8'))?.[1];

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-agent-'));
    testbed = await startTestbed({ keyring: true, tokenLifetimeSec: LIFETIME_SEC });
    const home = path.join(base, 'home');
    await fs.mkdir(path.join(base, 'run'), { recursive: true, mode: 0o700 });
    await fs.mkdir(home, { recursive: true });
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      PGENTRA_HOME: testbed.facts.pgentraHome,
      PGPASSFILE: path.join(home, 'pgpass'),
      XDG_RUNTIME_DIR: path.join(base, 'run'),
      ...testbed.facts.env,
    };
  });
  afterAll(async () => {
    agent?.kill('SIGTERM');
    await agent;
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it(
    'refreshes before expiry, rides out a 503, and psql never needs a password',
    { timeout: 180_000 },
    async () => {
      const g = testbed.facts.gateways.flexible;
      expect((await runCli(['login', '--device-code'], env)).code).toBe(0);
      const signedInAt = Date.now();
      expect(
        (
          await runCli(
            [
              'cluster',
              'add',
              'flex',
              '--host',
              g.host,
              '--port',
              String(g.port),
              '--kind',
              'flexible',
              '--database',
              testbed.facts.database,
            ],
            env,
          )
        ).code,
      ).toBe(0);

      agent = runCli(['agent'], env);
      await agent.waitForStderr(/serving tokens/);
      await agent.waitForStderr(/pgpass: updated/);
      const first = await pgpassToken();
      expect(first).toBeTruthy();
      expect(await psql()).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });

      // The first proactive refresh (at half-life) meets a 503.
      // With Retry-After, as Entra sends it (without one MSAL itself refuses repeats for 60 s).
      testbed.entra.injectFault({ endpoint: 'token', kind: 'http-503', count: 1, retryAfterSec: 5 });
      await agent.waitForStderr(
        /refresh failed for https:\/\/ossrdbms-aad\.database\.windows\.net \(attempt 1\)/,
        80_000,
      );
      expect(await pgpassToken()).toBe(first);
      expect(await psql()).toMatchObject({ code: 0 });

      // The retry succeeds before the original token expires, and the pgpass file follows.
      await agent.waitForStderr(
        /refresh failed for https:\/\/ossrdbms[^]*token refreshed for https:\/\/ossrdbms[^]*pgpass: updated/,
        80_000,
      );
      const second = await pgpassToken();
      expect(second).not.toBe(first);

      const originalExpiry = signedInAt + LIFETIME_SEC * 1000;
      await sleep(Math.max(0, originalExpiry + 2_000 - Date.now()));
      expect(await psql()).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });

      // And `pgentra token` is answered by the agent with the fresh token.
      const token = await runCli(['token', 'flex', '--min-valid', '10s'], env);
      expect(token.stdout.trim()).toBe(await pgpassToken());
      expect(agent.pid).toBeTruthy();
    },
  );
});
