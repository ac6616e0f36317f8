// The bench edits the machine's /etc/hosts; these prove on a stand-in file that every way out
// puts the original bytes back: restore(), process exit, and a signal from outside.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  benchLines,
  pointHostsAt,
  whyHostsFileIsNotWritable,
  withoutBenchLines,
} from '../../../test/bench/hosts-file.js';

const ORIGINAL = '127.0.0.1 localhost\n::1 localhost ip6-localhost\n# a comment the user wrote\n';
const moduleUrl = new URL('../../../test/bench/hosts-file.ts', import.meta.url).href;

describe('pointing host names at the loopback in a hosts file', () => {
  let dir: string;
  let hosts: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pgentra-hosts-'));
    hosts = path.join(dir, 'hosts');
    await writeFile(hosts, ORIGINAL);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds one marked line per name and restore() writes the original bytes back, once', async () => {
    const override = pointHostsAt(
      { 'login.microsoftonline.com': '127.0.0.1', 'management.azure.com': '127.0.0.2' },
      hosts,
    );
    const during = await readFile(hosts, 'utf8');
    expect(during.startsWith(ORIGINAL)).toBe(true);
    expect(during.slice(ORIGINAL.length).split('\n')).toEqual([
      expect.stringMatching(/^127\.0\.0\.1 login\.microsoftonline\.com # pgentra bench/),
      expect.stringMatching(/^127\.0\.0\.2 management\.azure\.com # pgentra bench/),
      '',
    ]);
    override.restore();
    expect(await readFile(hosts, 'utf8')).toBe(ORIGINAL);
    // A second restore must not write again: the user may have edited the file since.
    await writeFile(hosts, `${ORIGINAL}10.0.0.1 edited-later\n`);
    override.restore();
    expect(await readFile(hosts, 'utf8')).toBe(`${ORIGINAL}10.0.0.1 edited-later\n`);
  });

  it('keeps a last line without a newline intact', async () => {
    await writeFile(hosts, '127.0.0.1 localhost');
    const override = pointHostsAt({ 'login.microsoftonline.com': '127.0.0.1' }, hosts);
    expect((await readFile(hosts, 'utf8')).split('\n')[0]).toBe('127.0.0.1 localhost');
    override.restore();
    expect(await readFile(hosts, 'utf8')).toBe('127.0.0.1 localhost');
  });

  it('removes the lines a killed run left behind, before and after', async () => {
    await writeFile(hosts, `${ORIGINAL}${benchLines({ 'login.microsoftonline.com': '127.0.0.1' })}`);
    expect(withoutBenchLines(await readFile(hosts, 'utf8'))).toBe(ORIGINAL);
    const override = pointHostsAt({ 'login.microsoftonline.com': '127.0.0.1' }, hosts);
    expect((await readFile(hosts, 'utf8')).match(/login\.microsoftonline\.com/g)).toHaveLength(1);
    override.restore();
    expect(await readFile(hosts, 'utf8')).toBe(ORIGINAL);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    'restores the file when the process gets %s, then dies of that signal',
    async (signal) => {
      const script = [
        `import { pointHostsAt } from ${JSON.stringify(moduleUrl)};`,
        `pointHostsAt({ 'login.microsoftonline.com': '127.0.0.1' }, ${JSON.stringify(hosts)});`,
        `process.stdout.write('pointed\\n');`,
        'setInterval(() => undefined, 1000);',
      ].join('\n');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('pointed') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
      expect(await readFile(hosts, 'utf8')).toMatch(/login\.microsoftonline\.com/);
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, how) => resolve(how)),
      );
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(await readFile(hosts, 'utf8')).toBe(ORIGINAL);
    },
  );

  it('restores the file when the process exits on its own', async () => {
    const script = [
      `import { pointHostsAt } from ${JSON.stringify(moduleUrl)};`,
      `pointHostsAt({ 'login.microsoftonline.com': '127.0.0.1' }, ${JSON.stringify(hosts)});`,
      'process.exitCode = 3;',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'inherit',
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(3);
    expect(await readFile(hosts, 'utf8')).toBe(ORIGINAL);
  });

  it('says why it cannot edit a file that is not there', async () => {
    const missing = path.join(dir, 'no-such-hosts');
    expect(await whyHostsFileIsNotWritable(missing)).toMatch(
      process.getuid?.() === 0 ? /no-such-hosts is not writable: .*ENOENT/ : /needs root/,
    );
    expect(await whyHostsFileIsNotWritable(hosts)).toBe(
      process.getuid?.() === 0 ? undefined : expect.any(String),
    );
  });
});
