// The agent as a user service while the tray app runs: `pgentra agent --standby` (what
// --install-service writes) waits while another pgentra serves tokens instead of failing — a failing
// service is restarted by systemd, launchd or the task scheduler every few seconds for as long as
// the tray runs — and takes over when that one stops. Plain `pgentra agent` still refuses at once.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAddArgs, cliEnvironment, runCli, type CliRun } from '../support/testbed/cli.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

describe('pgentra agent --standby', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  const running: CliRun[] = [];
  const start = (...args: string[]) => {
    const run = runCli(args, env);
    running.push(run);
    return run;
  };

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-standby-'));
    testbed = await startTestbed({ keyring: true });
    env = await cliEnvironment(testbed.facts, base);
    expect((await runCli(['login', '--device-code'], env)).code).toBe(0);
    expect((await runCli(clusterAddArgs(testbed.facts, 'flex'), env)).code).toBe(0);
  });
  afterAll(async () => {
    for (const run of running) run.kill('SIGTERM');
    await Promise.all(running);
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('waits while another agent serves, takes over when it stops, and stops cleanly', async () => {
    const first = start('agent');
    await first.waitForStderr(/serving tokens/);

    const refused = await runCli(['agent'], env);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/already serving this configuration/);

    const standby = start('agent', '--standby');
    await standby.waitForStderr(/Standing by/);
    expect(standby.stderrSoFar()).not.toMatch(/serving tokens/);

    first.kill('SIGTERM');
    expect((await first).code).toBe(0);
    await standby.waitForStderr(/serving tokens/, 30_000);
    const token = await runCli(['token', 'flex'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^eyJ/);

    standby.kill('SIGTERM');
    const ended = await standby;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toMatch(/stopped\n$/);
  });

  it('a standby agent asked to stop while waiting ends at once', async () => {
    const first = start('agent');
    await first.waitForStderr(/serving tokens/);
    const standby = start('agent', '--standby');
    await standby.waitForStderr(/Standing by/);
    standby.kill('SIGTERM');
    const ended = await standby;
    expect(ended.code).toBe(0);
    expect(ended.stderr).not.toMatch(/serving tokens/);
    first.kill('SIGTERM');
    await first;
  });
});
