// `pgentra token` with no agent, on a still-valid token in the shared cache, needs no network: the
// tenant's OpenID configuration MSAL reads before its cache comes from the config directory once a
// process has fetched it. Entra failing every request must not matter then — and does matter to a
// process that never saw the metadata, which proves the file is what makes the difference.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_CACHE_FILE } from '../../electron/core/auth/metadata-cache.js';
import { clusterAddArgs, cliEnvironment, runCli } from '../support/testbed/cli.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

describe('a cached token while Entra ID is unreachable', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-offline-'));
    testbed = await startTestbed({ keyring: true });
    env = await cliEnvironment(testbed.facts, base);
    expect((await cli('login', '--device-code')).code).toBe(0);
    expect((await cli(...clusterAddArgs(testbed.facts, 'flex'))).code).toBe(0);
  });
  afterAll(async () => {
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('prints the token without a single request to Entra', async () => {
    const first = await cli('token', 'flex', '--no-agent');
    expect(first.code, first.stderr).toBe(0);
    const metadata = path.join(testbed.facts.pgentraHome, METADATA_CACHE_FILE);
    expect((await fs.stat(metadata)).mode & 0o777).toBe(0o600);

    testbed.entra.injectFault({ endpoint: '*', kind: 'http-503' });
    try {
      const before = testbed.entra.requests.length;
      const offline = await cli('token', 'flex', '--no-agent');
      expect(offline.code, offline.stderr).toBe(0);
      expect(offline.stdout).toBe(first.stdout);
      expect(testbed.entra.requests.slice(before)).toEqual([]);

      await fs.rm(metadata);
      const unseen = await cli('token', 'flex', '--no-agent');
      expect(unseen.code, unseen.stderr).toBe(4);
      expect(testbed.entra.requests.slice(before).map((request) => request.endpoint)).toContain('discovery');
    } finally {
      testbed.entra.clearFaults();
    }
  });
});
