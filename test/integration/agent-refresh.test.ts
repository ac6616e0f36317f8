// The point of pgentra: tokens that expire while you work are replaced before anyone notices.
// Short-lived tokens from the fake Entra ID and `pgentra agent` running. Three scenarios, run side
// by side because each mostly waits for tokens to age: a 503 at the first refresh; a 429 followed
// by a request Entra never answers; a revoked sign-in fixed by `pgentra login` in another
// terminal. Psql keeps working on the old token, the agent backs off and retries, and after the
// original token has expired psql still logs in with no password prompt.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/testbed/cli.js';
import { conninfoOf, runPsql } from '../support/testbed/psql.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REFRESHED = /token refreshed for https:\/\/ossrdbms[^]*pgpass: updated/;

/** A signed-in user with one Flexible cluster and `pgentra agent` running against a fresh testbed. */
async function agentScenario(lifetimeSec: number) {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-agent-'));
  const testbed: Testbed = await startTestbed({ keyring: true, tokenLifetimeSec: lifetimeSec });
  const home = path.join(base, 'home');
  await fs.mkdir(path.join(base, 'run'), { recursive: true, mode: 0o700 });
  await fs.mkdir(home, { recursive: true });
  const pgpassFile = path.join(home, 'pgpass');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    PGENTRA_HOME: testbed.facts.pgentraHome,
    PGPASSFILE: pgpassFile,
    XDG_RUNTIME_DIR: path.join(base, 'run'),
    ...testbed.facts.env,
  };
  let agent: CliRun | undefined;
  const stop = async () => {
    agent?.kill('SIGTERM');
    await agent;
    await testbed.stop();
    await fs.rm(base, { recursive: true, force: true });
  };
  try {
    const g = testbed.facts.gateways.flexible;
    expect((await runCli(['login', '--device-code'], env)).code).toBe(0);
    const signedInAt = Date.now();
    const add = await runCli(
      ['cluster', 'add', 'flex', '--host', g.host, '--port', String(g.port), '--kind', 'flexible'],
      env,
    );
    expect(add.code).toBe(0);
    agent = runCli(['agent'], env);
    await agent.waitForStderr(/serving tokens/);
    await agent.waitForStderr(/pgpass: updated/);
    const running = agent;
    return {
      testbed,
      env,
      agent: running,
      signedInAt,
      stop,
      psql: () =>
        runPsql(
          conninfoOf({
            host: g.host,
            port: g.port,
            dbname: testbed.facts.database,
            user: 'alice@contoso.com',
            sslmode: 'verify-full',
            sslrootcert: testbed.facts.caFile,
          }),
          'select current_user',
          { PGPASSFILE: pgpassFile, HOME: home },
        ),
      pgpassToken: async () => /:alice@contoso\.com:(\S+)/.exec(await fs.readFile(pgpassFile, 'utf8'))?.[1],
      /** Waits for `pattern` in what the agent writes from now on. */
      waitForNext: (pattern: RegExp, timeoutMs: number) => {
        const offset = running.stderrSoFar().length;
        return running.waitForStderr(new RegExp(`^[^]{${offset}}[^]*?(?:${pattern.source})`), timeoutMs);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

describe.concurrent('pgentra agent keeps short-lived tokens fresh through faults', () => {
  it(
    'a 503 at the first refresh: the old token serves, the retry succeeds',
    { timeout: 240_000 },
    async () => {
      // 90-s tokens: the refresh is due at half-life, 45 s before expiry.
      const s = await agentScenario(90);
      try {
        const first = await s.pgpassToken();
        expect(first).toBeTruthy();
        expect(await s.psql()).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });

        // With Retry-After, as Entra sends it.
        s.testbed.entra.injectFault({ endpoint: 'token', kind: 'http-503', count: 1, retryAfterSec: 5 });
        const failed = s.waitForNext(/refresh failed for [^\n]*\(attempt 1\): ([^\n]*)/, 80_000);
        expect((await failed)[1]).toMatch(/^Entra ID is temporarily unavailable: AADSTS90006: /);
        expect(await s.pgpassToken()).toBe(first);
        expect(await s.psql()).toMatchObject({ code: 0 });

        // The retry succeeds before the original token expires, and the pgpass file follows.
        await s.waitForNext(REFRESHED, 80_000);
        expect(await s.pgpassToken()).not.toBe(first);

        await sleep(Math.max(0, s.signedInAt + 92_000 - Date.now()));
        expect(await s.psql()).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });

        // And `pgentra token` is answered by the agent with the fresh token.
        const token = await runCli(['token', 'flex', '--min-valid', '10s'], s.env);
        expect(token.stdout.trim()).toBe(await s.pgpassToken());
      } finally {
        await s.stop();
      }
    },
  );

  it(
    'a 429, then a request never answered: backoff honours Retry-After and the spacing, the old token serves',
    { timeout: 300_000 },
    async () => {
      // Three attempts at least 30 s apart (automatic refreshes are spaced), one of them waiting
      // out the 15-s network deadline: 180-s tokens leave 90 s after the half-life refresh.
      const s = await agentScenario(180);
      try {
        const first = await s.pgpassToken();
        s.testbed.entra.injectFault({ endpoint: 'token', kind: 'http-429', count: 1, retryAfterSec: 40 });
        s.testbed.entra.injectFault({ endpoint: 'token', kind: 'stall', count: 1 });

        const throttled = await s.waitForNext(/refresh failed for [^\n]*\(attempt 1\): ([^\n]*)/, 120_000);
        const throttledAt = Date.now();
        expect(throttled[1]).toMatch(/^Entra ID is throttling requests: AADSTS50196: /);
        expect(await s.pgpassToken()).toBe(first);
        expect(await s.psql()).toMatchObject({ code: 0 });

        const stalled = await s.waitForNext(/refresh failed for [^\n]*\(attempt 2\): ([^\n]*)/, 90_000);
        expect(stalled[1]).toMatch(/^Entra ID unreachable: no answer from localhost:\d+ within 15 s/);
        // Retry-After 40 s, not the 30-s spacing: the stalled request went out no earlier, and
        // then waited out the network deadline.
        expect(Date.now() - throttledAt).toBeGreaterThanOrEqual(40_000 + 15_000 - 1_000);
        expect(await s.pgpassToken()).toBe(first);
        expect(await s.psql()).toMatchObject({ code: 0 });

        await s.waitForNext(REFRESHED, 60_000);
        expect(await s.pgpassToken()).not.toBe(first);
        await sleep(Math.max(0, s.signedInAt + 182_000 - Date.now()));
        expect(await s.psql()).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });
      } finally {
        await s.stop();
      }
    },
  );

  it(
    'a revoked sign-in: the agent says so once, and `pgentra login` elsewhere brings it back',
    { timeout: 200_000 },
    async () => {
      const s = await agentScenario(90);
      try {
        const first = await s.pgpassToken();
        s.testbed.entra.revokeRefreshTokens('alice@contoso.com');
        const needed = await s.waitForNext(/sign-in needed for [^\n]*/, 80_000);
        expect(needed[0]).toMatch(/AADSTS50173[^\n]*Run `pgentra login`/);
        // The old token still serves while it lasts.
        expect(await s.pgpassToken()).toBe(first);

        // Signing in from another terminal: the agent sees the new sign-in in the shared cache
        // at its next config reload (15 s) and refreshes without being restarted.
        const refreshed = s.waitForNext(REFRESHED, 45_000);
        expect((await runCli(['login', '--device-code'], s.env)).code).toBe(0);
        await refreshed;
        expect(await s.pgpassToken()).not.toBe(first);
        expect(await s.psql()).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });
        expect(s.agent.stderrSoFar().match(/sign-in needed for/g)).toHaveLength(1);
      } finally {
        await s.stop();
      }
    },
  );
});
