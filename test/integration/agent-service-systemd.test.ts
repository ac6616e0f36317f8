// The Linux unit `pgentra agent --install-service` writes, as systemd itself reads it: written to a
// temp HOME by the real file system port and checked by `systemd-analyze verify` (which resolves
// ExecStart, so an odd path only passes when the quoting hands systemd exactly that path).
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installService } from '../../electron/core/agent/service-unit.js';
import { nodeFileSystem } from '../../electron/core/node-ports.js';
import { fakeProcesses } from '../support/fakes/processes.js';

const exec = promisify(execFile);
const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((file) => existsSync(file));

async function verify(unit: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await exec(analyze!, ['verify', unit], {
      env: { ...process.env, LANG: 'C.UTF-8' },
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe.skipIf(!analyze || process.platform !== 'linux')(
  'the systemd user unit, verified by systemd',
  () => {
    let home: string;
    beforeEach(async () => {
      home = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra service home-'));
    });
    afterEach(async () => {
      await fs.rm(home, { recursive: true, force: true });
    });

    async function install(program: string, configDir?: string): Promise<string> {
      const processes = fakeProcesses('linux');
      await installService(
        { fs: nodeFileSystem, processes },
        {
          platform: 'linux',
          homedir: home,
          env: configDir ? { PGENTRA_HOME: configDir } : {},
          configDir: configDir ?? path.join(home, '.config', 'pgentra'),
          pgentraCommand: [program, path.join(home, "cli 'x' $HOME 100%", 'pgentra.cjs')],
        },
      );
      expect(processes.runs.map((run) => run.args.join(' '))).toContain(
        '--user enable pgentra-agent.service',
      );
      return path.join(home, '.config', 'systemd', 'user', 'pgentra-agent.service');
    }

    it('passes verify, with ExecStart naming a program under a path with spaces, %, $ and non-ASCII', async () => {
      const dir = path.join(home, 'Node 100% $HOME ${X} é 日本');
      await fs.mkdir(dir);
      await fs.symlink(process.execPath, path.join(dir, 'node'));
      const unit = await install(path.join(dir, 'node'), path.join(home, 'my config 50%'));
      expect((await fs.stat(unit)).mode & 0o777).toBe(0o644);
      const result = await verify(unit);
      expect(result.output).not.toMatch(/pgentra-agent\.service:\d+:/);
      expect(result.ok, result.output).toBe(true);
    });

    it('fails verify when the program is missing, naming exactly the path pgentra meant', async () => {
      const missing = path.join(home, 'gone 100% $HOME é', 'node');
      const unit = await install(missing);
      const result = await verify(unit);
      expect(result.ok).toBe(false);
      expect(result.output).toContain(`Command ${missing} is not executable`);
    });

    it('is a meaningful check: a deliberately broken unit fails it', async () => {
      const unit = await install(process.execPath);
      expect((await verify(unit)).ok).toBe(true);
      const text = await fs.readFile(unit, 'utf8');
      await fs.writeFile(unit, text.replace('ExecStart="', 'ExecStart="relative/'));
      const result = await verify(unit);
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(
        /pgentra-agent\.service:\d+: Neither a valid executable name nor an absolute path/,
      );
    });
  },
);
