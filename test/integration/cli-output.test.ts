// What the built `pgentra` says about itself and how it behaves at the edges of a pipe, without
// the testbed: its version, per-command help, a reader that closes the pipe early, --verbose.
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savedCluster } from '../support/fakes/saved-cluster.js';
import { ensureCliBuilt, PGENTRA_BIN, runCli } from '../support/testbed/cli.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('pgentra about itself', () => {
  let base: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-out-'));
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: base, PGENTRA_HOME: path.join(base, 'home') };
    await fs.mkdir(env.PGENTRA_HOME ?? '', { recursive: true });
    const clusters = Array.from({ length: 200 }, (_, i) => savedCluster(`cluster-${i}`));
    await fs.writeFile(
      path.join(env.PGENTRA_HOME ?? '', 'config.json'),
      JSON.stringify({ version: 1, clusters }),
    );
  });
  afterAll(async () => fs.rm(base, { recursive: true, force: true }));

  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = await runCli(['--version'], env);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('`help token` prints the help of `token`, not the general help', async () => {
    const result = await runCli(['help', 'token'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: pgentra token NAME/);
  });

  it('a reader that closes the pipe early ends pgentra quietly with 0, not an EPIPE stack trace', async () => {
    ensureCliBuilt();
    const child = spawn(process.execPath, [PGENTRA_BIN, 'cluster', 'list'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // `| head -1`: the reader goes away before pgentra has written its lines.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });

  it('--verbose adds the details of a failure; without it, only the message and the advice', async () => {
    const home = path.join(base, 'broken');
    await fs.mkdir(home, { recursive: true });
    await fs.writeFile(path.join(home, 'config.json'), '{"version": 1,,}');
    const plain = await runCli(['cluster', 'list'], { ...env, PGENTRA_HOME: home });
    expect(plain.code).toBe(5);
    expect(plain.stderr.trim().split('\n')).toHaveLength(2);
    const verbose = await runCli(['cluster', 'list', '--verbose'], { ...env, PGENTRA_HOME: home });
    expect(verbose.code).toBe(5);
    expect(verbose.stderr).toContain(`  File: ${path.join(home, 'config.json')}`);
  });
});
