// Issue 11's canary: every token Entra issues during a full session (login, token, psql, pgAdmin,
// env, status, doctor, the agent) is searched for everywhere it must not be: every process's argv
// and environment while pgentra's children run, files pgentra wrote (temp dir, HOME, config dir),
// and every line pgentra printed. It may appear only in `pgentra token`'s stdout, the pgpass file
// and the OS keychain.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, clusterAddArgs, runCli, type CliResult } from '../support/testbed/cli.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

/** Any JWT: an access token not yet recorded is still caught by its shape. */
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]*/;

/** Every process's argv and environment on the machine, as /proc shows them right now. */
async function processTexts(): Promise<{ pid: string; text: string }[]> {
  const texts: { pid: string; text: string }[] = [];
  for (const pid of (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    for (const file of ['cmdline', 'environ']) {
      const text = await fs.readFile(`/proc/${pid}/${file}`, 'latin1').catch(() => '');
      if (text) texts.push({ pid: `${pid}/${file}`, text });
    }
  }
  return texts;
}

/** The files at or below `place` (a file or a directory). */
async function filesUnder(place: string, skip: (file: string) => boolean): Promise<string[]> {
  if ((await fs.lstat(place).catch(() => undefined))?.isFile()) return skip(place) ? [] : [place];
  const entries = await fs.readdir(place, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !skip(file));
}

describe('canary: a token appears only where it is meant to', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  let tmpBefore: Set<string>;
  /** Output that must never hold a token: everything but `pgentra token`'s stdout. */
  const outputs: { what: string; text: string }[] = [];
  const tokens = new Set<string>();
  const processLeaks: string[] = [];

  const record = (what: string, result: CliResult, stdoutMayHoldToken = false) => {
    outputs.push({ what: `${what} (stderr)`, text: result.stderr });
    if (stdoutMayHoldToken) tokens.add(result.stdout.trim());
    else outputs.push({ what: `${what} (stdout)`, text: result.stdout });
    return result;
  };
  const cli = async (...args: string[]) => record(args.join(' '), await runCli(args, env));
  /** Runs a command while watching every process's argv and environment until it ends. */
  const watched = async (...args: string[]) => {
    const run = runCli(args, env);
    let done = false;
    void run.then(() => (done = true));
    const seen: { pid: string; text: string }[] = [];
    while (!done) {
      seen.push(...(await processTexts()));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = record(args.join(' '), await run);
    for (const { pid, text } of seen) if (JWT.test(text)) processLeaks.push(`${args.join(' ')}: ${pid}`);
    return result;
  };

  beforeAll(async () => {
    tmpBefore = new Set(await fs.readdir(os.tmpdir()));
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-canary-'));
    testbed = await startTestbed({ keyring: true });
    env = await cliEnvironment(testbed.facts, base);
  });
  afterAll(async () => {
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('runs a whole session', async () => {
    expect((await cli('login', '--device-code')).code).toBe(0);
    const add = await cli(...clusterAddArgs(testbed.facts, 'flex'));
    expect(add.code, add.stderr).toBe(0);
    expect(record('token', await runCli(['token', 'flex'], env), true).code).toBe(0);
    expect((await cli('pgpass', 'sync')).code).toBe(0);
    const psql = await watched(
      'psql',
      'flex',
      '--',
      '-X',
      '-A',
      '-t',
      '-c',
      'select pg_sleep(1), current_user',
    );
    expect(psql.code, psql.stderr).toBe(0);
    expect(psql.stdout).toContain('alice@contoso.com');
    const servers = path.join(base, 'servers.json');
    expect((await cli('pgadmin', 'flex', '--write', servers)).code).toBe(0);
    outputs.push({ what: 'servers.json', text: await fs.readFile(servers, 'utf8') });
    expect((await cli('env', 'flex')).code).toBe(0);
    expect((await cli('status')).code).toBe(0);
    const doctor = await watched('doctor', 'flex');
    expect(doctor.code, doctor.stdout).toBe(0);

    const agent = runCli(['agent'], env);
    try {
      await agent.waitForStderr(/serving tokens/);
      expect(
        record('token via agent', await runCli(['token', 'flex', '--min-valid', '10s'], env), true).code,
      ).toBe(0);
      expect((await cli('status', '--json')).code).toBe(0);
    } finally {
      agent.kill('SIGTERM');
      const stopped = await agent;
      outputs.push({ what: 'agent log', text: stopped.stderr + stopped.stdout });
    }
    for (const line of (await fs.readFile(env.PGPASSFILE ?? '', 'utf8')).matchAll(/eyJ\S+/g))
      tokens.add(line[0]);
    expect(tokens.size).toBeGreaterThan(0);
  });

  it('no process ever had a token in its argv or environment', () => {
    expect(processLeaks).toEqual([]);
  });

  it('no output but `pgentra token`’s stdout holds a token', () => {
    for (const { what, text } of outputs) {
      expect(JWT.test(text), what).toBe(false);
      for (const token of tokens) expect(text.includes(token.slice(-43)), what).toBe(false);
    }
  });

  it('no file pgentra wrote holds a token, except the pgpass file (and the keychain)', async () => {
    const keyringDir = path.join(testbed.dir, 'keyring');
    const skip = (file: string) => file === env.PGPASSFILE || file.startsWith(keyringDir);
    const created = (await fs.readdir(os.tmpdir())).filter((name) => !tmpBefore.has(name));
    const files = [
      ...(await filesUnder(env.HOME ?? '', skip)),
      ...(await filesUnder(testbed.facts.pgentraHome, skip)),
      ...(
        await Promise.all(
          created
            .map((name) => path.join(os.tmpdir(), name))
            .filter((dir) => dir !== base && dir !== testbed.dir)
            .map((dir) => filesUnder(dir, skip)),
        )
      ).flat(),
    ];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await fs.readFile(file, 'latin1').catch(() => '');
      expect(JWT.test(text), file).toBe(false);
    }
  });
});
