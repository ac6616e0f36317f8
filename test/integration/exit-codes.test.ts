// The README's exit codes, as scripts and pgAdmin meet them against the testbed: not signed in is
// 3 for every command that needs a token; Entra answering 500, its discovery endpoint failing, and
// throttling are 4 (retrying helps), never 1 ("a bug") or 5 ("your configuration").
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_CACHE_FILE } from '../../electron/core/auth/metadata-cache.js';
import { cliEnvironment, runCli } from '../support/testbed/cli.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

describe('exit codes against the testbed', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-exit-'));
    testbed = await startTestbed({ keyring: true });
    env = await cliEnvironment(testbed.facts, base);
    const { host, port } = testbed.facts.gateways.flexible;
    // Before any sign-in the user cannot default to the account's UPN: name it.
    const user = ['--user', 'alice@contoso.com', '--kind', 'flexible', '--database', testbed.facts.database];
    const add = await cli('cluster', 'add', 'flex', '--host', host, '--port', `${port}`, ...user);
    expect(add.code, add.stderr).toBe(0);
  });
  afterAll(async () => {
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('not signed in: 3 for token, env and psql alike', async () => {
    for (const args of [
      ['token', 'flex'],
      ['env', 'flex'],
      ['psql', 'flex', '--', '-c', 'select 1'],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(3);
      expect(result.stderr).not.toContain('unexpected error');
    }
  });

  it('Entra answering 500 on the token endpoint: 4', async () => {
    expect((await cli('login', '--device-code')).code).toBe(0);
    testbed.entra.injectFault({ endpoint: 'token', kind: 'http-500' });
    try {
      const result = await cli('token', 'flex', '--min-valid', '24h');
      expect(result.code, result.stderr).toBe(4);
    } finally {
      testbed.entra.clearFaults();
    }
  });

  it('the discovery endpoint answering 500: 4, not "configuration problem"', async () => {
    testbed.entra.clearFaults();
    // A process that never saw Entra's metadata must ask for it (a later one reads it from disk).
    await fs.rm(path.join(testbed.facts.pgentraHome, METADATA_CACHE_FILE), { force: true });
    testbed.entra.injectFault({ endpoint: 'discovery', kind: 'http-500' });
    try {
      const result = await cli('token', 'flex', '--min-valid', '24h');
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).not.toMatch(/configuration problem/i);
    } finally {
      testbed.entra.clearFaults();
    }
  });

  it('throttled (429) with no token to fall back on: 4, and the message says when a retry makes sense', async () => {
    // No token for the Cosmos resource has ever been fetched: nothing valid to hand out instead.
    const { host, port } = testbed.facts.gateways.cosmos;
    const added = await cli('cluster', 'add', 'cos', '--host', host, '--port', `${port}`, '--kind', 'cosmos');
    expect(added.code, added.stderr).toBe(0);
    testbed.entra.injectFault({ endpoint: 'token', kind: 'http-429', retryAfterSec: 30 });
    try {
      const result = await cli('token', 'cos');
      expect(result.code, result.stderr).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Retry-After: 30 s');
      expect(result.stderr).not.toContain('retries automatically');
    } finally {
      testbed.entra.clearFaults();
      expect((await cli('cluster', 'remove', 'cos')).code).toBe(0);
    }
  });

  it('throttled (429) while the current token is still valid: that token, exit 0, and a warning naming the retry time', async () => {
    const current = await cli('token', 'flex');
    expect(current.code, current.stderr).toBe(0);
    testbed.entra.injectFault({ endpoint: 'token', kind: 'http-429', retryAfterSec: 30 });
    try {
      // More validity than the cached token has, so pgentra must ask Entra, which refuses.
      const result = await cli('token', 'flex', '--min-valid', '24h', '--no-agent');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(current.stdout);
      expect(result.stderr).toMatch(
        /^pgentra: warning: Entra ID is throttling token requests, so this is the current token, valid for \d+ more minutes, not a new one; Entra accepts a new request after .+ \(in 30 s\)\.\n$/,
      );
    } finally {
      testbed.entra.clearFaults();
    }
  });

  it('the agent answers a long Retry-After with the current token and the warning, and waits out a short one for a fresh token', async () => {
    const agent = runCli(['agent'], env);
    try {
      await agent.waitForStderr(/serving tokens/);
      const current = (await cli('token', 'flex')).stdout;
      // Tokens issued from now on outlive the current one: --min-valid 19h needs a new one.
      testbed.entra.setTokenLifetime(20 * 3600);
      testbed.entra.injectFault({ endpoint: 'token', kind: 'http-429', retryAfterSec: 60, count: 1 });
      const refused = await cli('token', 'flex', '--min-valid', '19h');
      expect(refused.code, refused.stderr).toBe(0);
      expect(refused.stdout).toBe(current);
      expect(refused.stderr).toMatch(
        /^pgentra: warning: Entra ID is throttling token requests, .+ \(in 60 s\)\.\n$/,
      );

      testbed.entra.injectFault({ endpoint: 'token', kind: 'http-429', retryAfterSec: 2, count: 1 });
      const waited = await cli('token', 'flex', '--min-valid', '19h');
      expect(waited.code, waited.stderr).toBe(0);
      expect(waited.stderr).toBe('');
      expect(waited.stdout).not.toBe(current);
    } finally {
      testbed.entra.clearFaults();
      testbed.entra.setTokenLifetime({ min: 3600, max: 5400 });
      agent.kill('SIGTERM');
      await agent;
    }
  });

  it('device code refused with 503: 4, and no stray "undefined" before the message', async () => {
    testbed.entra.injectFault({ endpoint: 'devicecode', kind: 'http-503', count: 1 });
    try {
      const result = await cli('login', '--device-code');
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toMatch(/^pgentra: Entra ID is temporarily unavailable: /);
      expect(result.stderr).not.toContain('undefined');
    } finally {
      testbed.entra.clearFaults();
    }
  });
});
