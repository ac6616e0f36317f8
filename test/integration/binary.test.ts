// The standalone `pgentra` executable (npm run build:binary) on a machine with no Node.js: PATH
// holds only psql and a shell, plus a `node` that fails loudly if anything reaches for it. It signs
// in by device code (keeping the sign-in in the OS keyring through the keytar shipped beside it),
// prints tokens from the cache and from its own agent, runs psql, and answers pgAdmin's
// PasswordExecCommand through `sh -c` with a token the gateway accepts.
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordExecCommand } from '../../electron/core/launch/pgadmin-servers.js';
import { clusterAddArgs, cliEnvironment, collect, runProgram, type CliRun } from '../support/testbed/cli.js';
import { conninfoOf, runPsql } from '../support/testbed/psql.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';
import { STANDALONE_BINARY, ensureBinaryBuilt } from '../support/build.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const binary = STANDALONE_BINARY;

/** The directory of the real psql (Debian's /usr/bin/psql is a Perl wrapper that needs more). */
function psqlDirectory(): string | null {
  for (const candidate of [
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/17/bin',
  ])
    if (existsSync(path.join(candidate, 'psql'))) return candidate;
  return null;
}

describe.skipIf(process.platform === 'win32')(
  'the standalone pgentra binary, with no Node.js on the machine',
  () => {
    let testbed: Testbed;
    let base: string;
    let env: Record<string, string>;
    let nodeTrap: string;
    let agent: CliRun | undefined;
    const pgentra = (...args: string[]) => runProgram([binary], args, env);

    beforeAll(async () => {
      ensureBinaryBuilt();
      base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-binary-'));
      testbed = await startTestbed({ keyring: true });
      const bin = path.join(base, 'bin');
      await fs.mkdir(bin);
      const psqlDir = psqlDirectory();
      if (!psqlDir) throw new Error('no psql binary under /usr/lib/postgresql');
      await fs.symlink(path.join(psqlDir, 'psql'), path.join(bin, 'psql'));
      await fs.symlink('/bin/sh', path.join(bin, 'sh'));
      nodeTrap = path.join(base, 'node-was-called');
      await fs.writeFile(path.join(bin, 'node'), `#!/bin/sh\ntouch '${nodeTrap}'\nexit 97\n`, {
        mode: 0o755,
      });
      env = { ...(await cliEnvironment(testbed.facts, base)), PATH: bin };
    }, 180_000);

    afterAll(async () => {
      agent?.kill('SIGTERM');
      await agent;
      await testbed?.stop();
      if (base) await fs.rm(base, { recursive: true, force: true });
    });

    it('is one executable that knows its version', async () => {
      const version = await pgentra('--version');
      expect(version.code, version.stderr).toBe(0);
      const { version: expected } = JSON.parse(
        await fs.readFile(path.join(root, 'package.json'), 'utf8'),
      ) as {
        version: string;
      };
      expect(version.stdout.trim()).toBe(expected);
      // A real executable, not a script that would look for an interpreter.
      const head = Buffer.alloc(4);
      const file = await fs.open(binary);
      await file.read(head, 0, 4, 0);
      await file.close();
      expect(head.toString('latin1')).toBe('\x7fELF');
    });

    it('signs in by device code, keeping the sign-in in the OS keyring', async () => {
      const login = await pgentra('login', '--device-code');
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toContain('Signed in as alice@contoso.com');
      const doctor = await pgentra('doctor');
      expect(doctor.stdout + doctor.stderr).toMatch(/keyring|Secret Service|libsecret/i);
      const added = await pgentra(...clusterAddArgs(testbed.facts, 'flex'));
      expect(added.code, added.stderr).toBe(0);
    });

    it('prints a token from the cache, with no agent', async () => {
      const token = await pgentra('token', 'flex', '--no-agent');
      expect(token.code, token.stderr).toBe(0);
      expect(token.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    });

    it('runs psql signed in, the token only in the pgpass file', async () => {
      const psql = await pgentra('psql', 'flex', '--', '-X', '-A', '-t', '-c', 'select current_user');
      expect(psql.code, psql.stderr).toBe(0);
      expect(psql.stdout.trim()).toBe('alice@contoso.com');
    });

    it("answers pgAdmin's PasswordExecCommand through sh -c, from its own agent", async () => {
      agent = pgentra('agent');
      await agent.waitForStderr(/serving tokens/);
      const command = passwordExecCommand({
        pgentraCommand: [binary],
        cluster: 'flex',
        minValidSec: 600,
        platform: 'linux',
        commandEnv: { PGENTRA_HOME: testbed.facts.pgentraHome },
      });
      // Without the keyring's session bus the cache is out of reach: only the agent can answer.
      const withoutKeyring = Object.fromEntries(
        Object.entries(env).filter(([name]) => !(name in testbed.facts.env)),
      );
      expect(Object.keys(testbed.facts.env).length).toBeGreaterThan(0);
      // Asynchronously: the fake Entra ID answers from this very process.
      const run = await collect('/bin/sh', ['-c', command], withoutKeyring);
      expect(run.code, run.stderr).toBe(0);
      const token = run.stdout.trim();
      expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      // What pgAdmin then does with it: the password of a verified TLS connection.
      const pgpass = path.join(base, 'pgadmin-pgpass');
      const { host, port } = testbed.facts.gateways.flexible;
      await fs.writeFile(pgpass, `${host}:${port}:*:alice@contoso.com:${token}\n`, { mode: 0o600 });
      const psql = await runPsql(
        conninfoOf({
          host,
          port,
          dbname: testbed.facts.database,
          user: 'alice@contoso.com',
          sslmode: 'verify-full',
          sslrootcert: testbed.facts.caFile,
        }),
        'select current_user',
        { PGPASSFILE: pgpass, HOME: env.HOME ?? '' },
      );
      expect(psql, psql.stderr).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });
    });

    it('never looked for a Node.js', () => {
      expect(existsSync(nodeTrap)).toBe(false);
    });
  },
);
