// The README's exit codes, as scripts and pgAdmin meet them against the testbed: not signed in is
// 3 for every command that needs a token; Entra answering 500, its discovery endpoint failing, and
// throttling are 4 (retrying helps), never 1 ("a bug") or 5 ("your configuration").
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    testbed.entra.injectFault({ endpoint: 'discovery', kind: 'http-500' });
    try {
      const result = await cli('token', 'flex', '--min-valid', '24h');
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).not.toMatch(/configuration problem/i);
    } finally {
      testbed.entra.clearFaults();
    }
  });

  it('throttled (429): 4, and the message says when a retry makes sense', async () => {
    testbed.entra.injectFault({ endpoint: 'token', kind: 'http-429', retryAfterSec: 30 });
    try {
      const result = await cli('token', 'flex', '--min-valid', '24h');
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain('Retry-After: 30 s');
      expect(result.stderr).not.toContain('retries automatically');
    } finally {
      testbed.entra.clearFaults();
    }
  });
});
