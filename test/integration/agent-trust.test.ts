// Finding 2 of issue 11, as a user meets it: without XDG_RUNTIME_DIR the agent's socket sits at a
// predictable path under the temp folder, and another local user (`nobody`, a real process) got
// there first. `pgentra token` must not print their password, `status` must not print their
// escape sequences, and `pgentra agent` must keep running and say what to do.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentEndpoint } from '../../electron/core/agent/paths.js';
import { runCli } from '../support/testbed/cli.js';
import {
  canRunAsAnotherUser,
  IMPOSTOR_TOKEN,
  plantImpostorAgent,
  type Impostor,
} from '../support/testbed/impostor-agent.js';

describe.runIf(canRunAsAnotherUser)('an agent socket planted by another user', () => {
  let base: string;
  let env: Record<string, string>;
  let impostor: Impostor;
  let directory: string;

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-planted-'));
    await fs.chmod(base, 0o755);
    const tmp = path.join(base, 'tmp');
    await fs.mkdir(tmp);
    await fs.chmod(tmp, 0o1777);
    const home = path.join(base, 'home');
    await fs.mkdir(home, { mode: 0o700 });
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      PGENTRA_HOME: path.join(home, 'pgentra'),
      PGPASSFILE: path.join(home, 'pgpass'),
      TMPDIR: tmp,
    };
    // The CLI's temp folder is TMPDIR (os.tmpdir()); this process's is not, so place it by hand.
    directory = path.join(tmp, `pgentra-${process.getuid?.() ?? 0}`);
    const socketName = path.basename(agentEndpoint(env.PGENTRA_HOME ?? '', {}, 'linux').address);
    const endpoint = { directory, address: path.join(directory, socketName) };
    const add = await runCli(
      ['cluster', 'add', 'prod', '--host', 'prod.postgres.database.azure.com', '--user', 'alice@contoso.com'],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    impostor = await plantImpostorAgent(endpoint);
  });
  afterAll(async () => {
    await impostor?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('`pgentra token` never prints the impostor’s password and says which folder to remove', async () => {
    const result = await runCli(['token', 'prod'], env);
    expect(result.stdout).not.toContain(IMPOSTOR_TOKEN);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `pgentra: warning: not using the pgentra agent: ${directory} belongs to another user`,
    );
    expect(result.stderr).toContain(`rm -r '${directory}'`);
  });

  it('`pgentra status` shows no escape sequences from the impostor', async () => {
    const result = await runCli(['status'], env);
    expect(result.stdout + result.stderr).not.toContain('\u001b');
    expect(result.stdout).not.toContain('pwned');
    expect(result.stderr).toContain('not using the pgentra agent');
  });

  it('`pgentra agent` keeps tokens fresh without the socket and says who can remove the folder', async () => {
    const agent = runCli(['agent'], env);
    try {
      await agent.waitForStderr(/keeping 1 cluster\(s\) fresh/);
      expect(agent.stderrSoFar()).toContain(
        `refusing to serve tokens from ${directory}: it belongs to another user`,
      );
      expect(agent.stderrSoFar()).toContain(`sudo rm -r '${directory}'`);
    } finally {
      agent.kill('SIGTERM');
    }
    expect((await agent).stderr).not.toContain('unexpected error');
  });
});
