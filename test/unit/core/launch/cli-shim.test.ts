// "Install the pgentra command": the launcher is real here (written to a temp HOME and run by
// /bin/sh from PATH); the Windows half is checked by what it writes and what it asks PowerShell.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADD_TO_USER_PATH, installCliShim, planCliShim } from '../../../../electron/core/launch/cli-shim.js';
import { nodeFileSystem } from '../../../../electron/core/node-ports.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';
import { ensureCliBuilt, PGENTRA_BIN } from '../../../support/testbed/cli.js';

const exec = promisify(execFile);

describe('Install the pgentra command', () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), "pgentra shim's home-"));
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it('writes ~/.local/bin/pgentra, which runs the CLI from PATH even through paths with spaces and quotes', async () => {
    ensureCliBuilt();
    // The interpreter path as an odd install location would have it.
    const oddDir = path.join(home, "Node 'current' 100%");
    await fs.mkdir(oddDir);
    await fs.symlink(process.execPath, path.join(oddDir, 'node'));
    const input = {
      platform: 'linux' as const,
      homedir: home,
      env: { PATH: '/usr/bin:/bin' },
      pgentraCommand: [path.join(oddDir, 'node'), PGENTRA_BIN],
    };
    const result = await installCliShim({ fs: nodeFileSystem, processes: fakeProcesses('win32') }, input);
    const shim = path.join(home, '.local', 'bin', 'pgentra');
    expect(result.file).toBe(shim);
    expect(result.message).toContain('is not on your PATH yet');
    expect(result.message).toContain('~/.profile');
    expect((await fs.stat(shim)).mode & 0o777).toBe(0o755);

    const { stdout } = await exec('/bin/sh', ['-c', 'pgentra token --help'], {
      env: { PATH: `${path.dirname(shim)}:/usr/bin:/bin`, HOME: home },
    });
    expect(stdout).toMatch(/^Usage: pgentra token/m);

    // Installing again replaces our own launcher, and now says it is on PATH.
    const again = await installCliShim(
      { fs: nodeFileSystem, processes: fakeProcesses('win32') },
      { ...input, env: { PATH: `${path.dirname(shim)}:/usr/bin` } },
    );
    expect(again.message).toBe(`Installed ${shim}: run \`pgentra --help\`.`);
  });

  it('never replaces a pgentra it did not write', async () => {
    const shim = path.join(home, '.local', 'bin', 'pgentra');
    await fs.mkdir(path.dirname(shim), { recursive: true });
    await fs.writeFile(shim, '#!/bin/sh\necho npm-installed pgentra\n', { mode: 0o755 });
    await expect(
      installCliShim(
        { fs: nodeFileSystem, processes: fakeProcesses('win32') },
        { platform: 'linux', homedir: home, env: {}, pgentraCommand: ['/opt/pgentra/cli/pgentra'] },
      ),
    ).rejects.toThrow(`${shim} already exists and was not written by pgentra`);
    expect(await fs.readFile(shim, 'utf8')).toBe('#!/bin/sh\necho npm-installed pgentra\n');
  });

  it('on Windows writes pgentra.cmd under LOCALAPPDATA and asks PowerShell to add it to the user PATH', () => {
    const plan = planCliShim({
      platform: 'win32',
      homedir: 'C:\\Users\\Ann',
      env: {
        LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local',
        Path: 'C:\\Windows;C:\\Users\\Ann\\AppData\\Local\\pgentra\\bin\\',
      },
      pgentraCommand: ['C:\\Program Files\\pgentra 100%\\resources\\cli\\pgentra.cmd'],
    });
    expect(plan.file).toBe('C:\\Users\\Ann\\AppData\\Local\\pgentra\\bin\\pgentra.cmd');
    expect(plan.content).toBe(
      '@echo off\r\nrem written by the pgentra app (Install the pgentra command)\r\n' +
        '"C:\\Program Files\\pgentra 100%%\\resources\\cli\\pgentra.cmd" %*\r\n',
    );
    // A trailing backslash and case do not hide that the directory is on PATH already.
    expect(plan.onPath).toBe(true);
  });

  it('hands PowerShell the directory in an environment variable, never inside the script', async () => {
    const localAppData = "C:\\Users\\Ann\\Local 'App' Data";
    const input = {
      platform: 'win32' as const,
      homedir: 'C:\\Users\\Ann',
      env: { LOCALAPPDATA: localAppData, Path: 'C:\\Windows', SystemRoot: 'C:\\Windows' },
      pgentraCommand: ['C:\\pgentra\\cli\\pgentra.cmd'],
    };
    const processes = fakeProcesses('win32');
    const files = new MemoryFileSystem({ root: true });
    const result = await installCliShim({ fs: files, processes }, input);
    expect(files.peek(result.file)?.toString()).toContain('"C:\\pgentra\\cli\\pgentra.cmd" %*');
    const [request] = processes.runs;
    expect(request?.command).toBe('powershell.exe');
    expect(request?.env).toMatchObject({
      PGENTRA_BIN_DIR: `${localAppData}\\pgentra\\bin`,
      SystemRoot: 'C:\\Windows',
    });
    expect(request?.args.join(' ')).not.toContain(localAppData);
    expect(result.message).toContain('open a new terminal');

    const failed = await installCliShim(
      { fs: files, processes: fakeProcesses('win32', {}, () => ({ exitCode: 1 })) },
      input,
    );
    expect(failed.message).toContain('adding');
    expect(failed.message).toContain('Environment Variables');
  });

  describe('Windows: a user name outside ASCII (issue 17, item 14)', () => {
    // cmd.exe reads a .cmd file in the console's code page (OEM 850 here), not UTF-8: written as
    // UTF-8, "Zoë" would come back as "ZoÃ«" and name a folder that does not exist.
    const env = { LOCALAPPDATA: 'C:\\Users\\Zoë\\AppData\\Local', Path: 'C:\\Windows' };

    it('names the usual per-user install through %LOCALAPPDATA%, which cmd expands from the (Unicode) environment', () => {
      const plan = planCliShim({
        platform: 'win32',
        homedir: 'C:\\Users\\Zoë',
        env,
        pgentraCommand: [
          'c:\\users\\zoë\\appdata\\local\\Programs\\pgentra 100%\\resources\\cli\\pgentra.exe',
        ],
      });
      expect(plan.content).toContain(
        '"%LOCALAPPDATA%\\Programs\\pgentra 100%%\\resources\\cli\\pgentra.exe" %*\r\n',
      );
      expect(plan.content).toMatch(/^[\x20-\x7e\r\n]*$/);
    });

    it('refuses, saying why and what to do, a launcher that would have to spell out a non-ASCII path', () => {
      expect(() =>
        planCliShim({
          platform: 'win32',
          homedir: 'C:\\Users\\Zoë',
          env,
          pgentraCommand: ['D:\\Programme\\Zoë\\pgentra.exe'],
        }),
      ).toThrow(/cmd\.exe reads batch files in the console's code page.*under %LOCALAPPDATA%/);
    });
  });

  describe('Windows: the user PATH keeps its %VARIABLES% (issue 17, item 18)', () => {
    // [Environment]::SetEnvironmentVariable('Path', …, 'User') writes REG_SZ with a plain
    // SetValue(variable, value) after GetEnvironmentVariable read it expanded (dotnet/runtime
    // src/libraries/System.Private.CoreLib/src/System/Environment.Win32.cs), freezing every
    // %USERPROFILE%\\… entry; Windows' own editor keeps REG_EXPAND_SZ and broadcasts the change.
    it('reads the raw registry value, writes it back as REG_EXPAND_SZ and broadcasts WM_SETTINGCHANGE', async () => {
      const processes = fakeProcesses('win32');
      await installCliShim(
        { fs: new MemoryFileSystem({ root: true }), processes },
        {
          platform: 'win32',
          homedir: 'C:\\Users\\Ann',
          env: { LOCALAPPDATA: 'C:\\Users\\Ann\\AppData\\Local', Path: 'C:\\Windows' },
          pgentraCommand: ['C:\\pgentra\\cli\\pgentra.exe'],
        },
      );
      const script = processes.runs[0]?.args.at(-1) ?? '';
      expect(script).toBe(ADD_TO_USER_PATH);
      expect(script).toContain('[Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames');
      expect(script).toContain("SetValue('Path', $new, [Microsoft.Win32.RegistryValueKind]::ExpandString)");
      expect(script).toMatch(/SendMessageTimeout\(\[IntPtr\]0xffff, 0x1A, .*'Environment'/);
      expect(script).not.toMatch(/\[Environment\]::(Get|Set)EnvironmentVariable/);
      // The raw value is extended, never rebuilt from its expansion.
      expect(script).toContain("$new = $raw.TrimEnd(';')");
    });
  });
});
