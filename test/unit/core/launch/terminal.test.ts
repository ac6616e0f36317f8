// Terminal launch recipes for all three OSes, built on Linux. Command lines are checked against real
// /bin/sh where a shell parses them, and against the C runtime's documented splitting rules for
// Windows; the quoting functions themselves are tested in quoting.test.ts.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LaunchError } from '../../../../electron/core/launch/errors.js';
import { cmdEscape } from '../../../../electron/core/launch/quoting.js';
import {
  applyEnv,
  openInTerminal,
  planTerminalLaunch,
  resolveTerminals,
} from '../../../../electron/core/launch/terminal.js';
import type { TerminalProgram } from '../../../../electron/core/launch/terminals/common.js';
import { linuxTerminalCommand } from '../../../../electron/core/launch/terminals/linux.js';
import {
  windowsCmdCommand,
  windowsTerminalCommand,
} from '../../../../electron/core/launch/terminals/win32.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';
import { recordingFs } from '../../../support/fakes/recording-fs.js';
import { AWKWARD, msvcrtSplit } from '../../../support/fakes/quoting.js';

const program = (args: string[], env: TerminalProgram['env'] = {}): TerminalProgram => ({
  command: '/usr/bin/psql',
  args,
  env,
});

/**
 * A stand-in program (a real executable sh script named `name` in `dir`) that records the argv,
 * PGPASSWORD and PGAPPNAME it was started with; `started()` reads them back.
 */
async function argvRecorder(dir: string, name: string) {
  const out = path.join(dir, 'out.json');
  const command = path.join(dir, name);
  await fs.writeFile(
    command,
    `#!/bin/sh\nexec node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({argv: process.argv.slice(2), pw: process.env.PGPASSWORD ?? null, app: process.env.PGAPPNAME}))' -- '${out}' "$@"\n`,
    { mode: 0o700 },
  );
  return { command, started: async (): Promise<unknown> => JSON.parse(await fs.readFile(out, 'utf8')) };
}

describe('Windows cmd and Windows Terminal', () => {
  it('builds the cmd /c start line: the inner line escaped once for each cmd that parses it', () => {
    const spawn = windowsCmdCommand(
      { kind: 'cmd', comspec: 'C:\\Windows\\System32\\cmd.exe' },
      {
        command: 'C:\\Program Files\\PostgreSQL\\16\\bin\\psql.exe',
        args: ['--dbname', "user='o''b' dbname='a & b %PATH%'"],
        env: {},
      },
      { title: 'psql prod' },
    );
    expect(spawn.command).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(spawn.windowsVerbatimArguments).toBe(true);
    expect(spawn.detached).toBe(true);
    // What the inner cmd must receive after the outer one removed its carets:
    const inner = `"C:\\Program Files\\PostgreSQL\\16\\bin\\psql.exe" --dbname ^"user='o''b' dbname='a ^& b ^%PATH^%'^" || pause`;
    expect(spawn.args).toEqual([
      '/d',
      '/v:off',
      '/s',
      '/c',
      `"start "psql prod" "C:\\Windows\\System32\\cmd.exe" /d /v:off /s /c ${cmdEscape(`"${inner}"`)}"`,
    ]);
    // One caret pass (what the outer cmd does) gives the inner line back; one more gives psql's argv.
    const unescapeOnce = (text: string) => text.replace(/\^(.)/g, '$1');
    const outerArgument = spawn.args[4] ?? '';
    expect(unescapeOnce(outerArgument.slice(outerArgument.indexOf('/c ^"') + 3, -1))).toBe(`"${inner}"`);
    const innerArgs = unescapeOnce(inner.slice(inner.indexOf('--dbname'), inner.lastIndexOf(' || pause')));
    expect(msvcrtSplit(innerArgs)).toEqual(['--dbname', "user='o''b' dbname='a & b %PATH%'"]);
  });

  it('keeps every awkward argument intact through both cmd passes and the C runtime', () => {
    const args = AWKWARD.filter((s) => !s.includes('\n'));
    const spawn = windowsCmdCommand(
      { kind: 'cmd', comspec: 'C:\\Windows\\System32\\cmd.exe' },
      { command: 'C:\\pg\\psql.exe', args, env: {} },
      { title: 'x' },
    );
    const outer = spawn.args[4] ?? '';
    const afterOuter = outer.slice(outer.indexOf('/c ^"') + 3, -1).replace(/\^(.)/g, '$1');
    const inner = afterOuter.slice(1, -1);
    expect(inner.startsWith('"C:\\pg\\psql.exe" ')).toBe(true);
    expect(inner.endsWith(' || pause')).toBe(true);
    // No unescaped metacharacter may reach either cmd outside the program path's quotes.
    const body = inner.slice('"C:\\pg\\psql.exe" '.length, -' || pause'.length);
    expect(body.replace(/\^./g, '')).not.toMatch(/[&|<>()%!"^]/);
    expect(msvcrtSplit(body.replace(/\^(.)/g, '$1'))).toEqual(args);
  });

  it('refuses program paths cmd cannot protect, and line breaks', () => {
    const build =
      (command: string, args: string[] = []) =>
      () =>
        windowsCmdCommand(
          { kind: 'cmd', comspec: 'C:\\Windows\\System32\\cmd.exe' },
          { command, args, env: {} },
          { title: 'x' },
        );
    expect(build('C:\\100%\\psql.exe')).toThrow(LaunchError);
    expect(build('C:\\pg\\psql.exe', ['a\nb'])).toThrow(/line break/);
    expect(build('C:\\Program Files (x86)\\A&B\\psql.exe')).not.toThrow();
  });

  it('passes argv to Windows Terminal with its ; separator escaped', () => {
    const spawn = windowsTerminalCommand(
      { kind: 'wt', command: 'C:\\Users\\a\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe' },
      program(['-c', 'select 1; select 2']),
      { title: 'psql "prod"' },
    );
    expect(spawn.args).toEqual([
      '-w',
      'new',
      'new-tab',
      '--title',
      'psql _prod_',
      '--',
      '/usr/bin/psql',
      '-c',
      'select 1\\; select 2',
    ]);
    expect(spawn.windowsVerbatimArguments).toBeUndefined();
  });
});

describe('Windows Terminal re-quotes and expands what it is given (issue 17, item 17)', () => {
  const wt = { kind: 'wt' as const, command: 'C:\\Users\\a\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe' };
  /**
   * What reaches psql through wt: wt joins the words after `--`, wrapping one with a space in plain
   * quotes (AppCommandlineArgs.cpp _getNewTerminalArgs), expands %NAME% in the line
   * (ConptyConnection.cpp _LaunchAttachedClient, wil::ExpandEnvironmentStringsW), and psql's C
   * runtime splits the result.
   */
  const throughWt = (words: readonly string[], env: Record<string, string>) =>
    msvcrtSplit(
      words
        .map((word) => (word.includes(' ') ? `"${word}"` : word))
        .join(' ')
        .replace(/%([^%]+)%/g, (whole, name: string) => env[name] ?? whole),
    );

  it('a real psql command line arrives intact', () => {
    const args = [
      '--dbname',
      "host=prod.postgres.database.azure.com port=5432 dbname=postgres user='zoë@contoso.com' sslmode=verify-full sslrootcert='C:\\\\Program Files\\\\pgentra\\\\azure.pem' passfile='C:\\\\Users\\\\zoë\\\\AppData\\\\Roaming\\\\postgresql\\\\pgpass.conf'",
    ];
    const spawn = windowsTerminalCommand(
      wt,
      { command: 'C:\\Program Files\\PostgreSQL\\17\\bin\\psql.exe', args, env: {} },
      { title: 'psql prod' },
    );
    const words = spawn.args.slice(spawn.args.indexOf('--') + 1);
    expect(throughWt(words, { USERPROFILE: 'C:\\Users\\x' })).toEqual([
      'C:\\Program Files\\PostgreSQL\\17\\bin\\psql.exe',
      ...args,
    ]);
  });

  it('refuses what wt would change, pointing at the cmd terminal', () => {
    const build = (command: string, args: string[]) => () =>
      windowsTerminalCommand(wt, { command, args, env: {} }, { title: 'x' });
    const psql = 'C:\\pg\\psql.exe';
    // Each of these arrives changed: the quote splits the word, %USERPROFILE% expands, the
    // trailing backslash escapes wt's closing quote.
    for (const arg of ['say "hi"', 'C:\\100%USERPROFILE%\\x', 'C:\\dir with space\\']) {
      expect(throughWt([psql, arg], { USERPROFILE: 'C:\\Users\\x' })).not.toEqual([psql, arg]);
      expect(build(psql, [arg])).toThrow(/Windows Terminal cannot pass a psql argument .* on intact/);
      expect(build(psql, [arg])).toThrow(LaunchError);
    }
    expect(build('C:\\a;b\\psql.exe', [])).toThrow(/split the program's path at its ";"/);
    expect(build('C:\\100%\\psql.exe', [])).toThrow(/Set the terminal to "cmd"|the psql path/);
  });
});

describe('Linux terminals', () => {
  it('picks the first terminal of the default order that is on PATH', async () => {
    const all = {
      'x-terminal-emulator': '/usr/bin/x-terminal-emulator',
      'gnome-terminal': '/usr/bin/gnome-terminal',
      konsole: '/usr/bin/konsole',
      xterm: '/usr/bin/xterm',
    };
    expect(
      (await resolveTerminals(fakeProcesses('linux', all), 'linux', undefined, {})).map((t) =>
        t.kind === 'linux' ? t.name : t.kind,
      ),
    ).toEqual(['x-terminal-emulator', 'gnome-terminal', 'konsole', 'xterm']);
    const some = { konsole: '/usr/bin/konsole', xterm: '/usr/bin/xterm' };
    expect((await resolveTerminals(fakeProcesses('linux', some), 'linux', undefined, {}))[0]).toMatchObject({
      name: 'konsole',
      command: '/usr/bin/konsole',
    });
  });

  it('follows the configured order, including custom `command args…` entries', async () => {
    const processes = fakeProcesses('linux', {
      xterm: '/usr/bin/xterm',
      alacritty: '/opt/bin/alacritty',
      wezterm: '/usr/bin/wezterm',
    });
    const found = await resolveTerminals(
      processes,
      'linux',
      ['kitty', 'alacritty --class psql -e', 'xterm', 'constructor'],
      {},
    );
    expect(found).toEqual([
      {
        kind: 'linux',
        name: 'alacritty --class psql -e',
        command: '/opt/bin/alacritty',
        extraArgs: ['--class', 'psql', '-e'],
      },
      { kind: 'linux', name: 'xterm', command: '/usr/bin/xterm', extraArgs: [] },
    ]);
  });

  it.each([
    ['x-terminal-emulator', ['-T', 'psql prod', '-e']],
    ['gnome-terminal', ['--title', 'psql prod', '--']],
    ['konsole', ['-e']],
    ['xterm', ['-T', 'psql prod', '-e']],
    ['wezterm', ['start', '--']],
  ])("builds %s's argv: title, exec flag, then env(1) and the program", (name, head) => {
    const spawn = linuxTerminalCommand(
      { kind: 'linux', name, command: `/usr/bin/${name}`, extraArgs: [] },
      program(['--dbname', 'host=h'], { PGPASSWORD: undefined, PGAPPNAME: 'pgentra' }),
      { title: 'psql prod' },
    );
    expect(spawn.command).toBe(`/usr/bin/${name}`);
    expect(spawn.args.slice(0, head.length)).toEqual(head);
    expect(spawn.args.slice(head.length, head.length + 5)).toEqual([
      '/usr/bin/env',
      '-u',
      'PGPASSWORD',
      'PGAPPNAME=pgentra',
      '/bin/sh',
    ]);
    expect(spawn.args.slice(-3)).toEqual(['/usr/bin/psql', '--dbname', 'host=h']);
    expect(spawn.detached).toBe(true);
  });

  it('runs the program with its exact argv and env through the env + sh wrapper (real sh)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-wrap-'));
    try {
      const fake = await argvRecorder(dir, 'fake psql');
      const spawn = linuxTerminalCommand(
        { kind: 'linux', name: 'xterm', command: '/usr/bin/xterm', extraArgs: [] },
        { command: fake.command, args: AWKWARD, env: { PGPASSWORD: undefined, PGAPPNAME: "pg'entra $x" } },
        { title: 't' },
      );
      // Drop the terminal part and run the rest as the terminal would (execvp, no shell).
      const rest = spawn.args.slice(spawn.args.indexOf('/usr/bin/env'));
      const result = spawnSync(rest[0] ?? '', rest.slice(1), {
        env: { ...process.env, PGPASSWORD: 'stale' },
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(await fake.started()).toEqual({
        argv: AWKWARD,
        pw: null,
        app: "pg'entra $x",
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the window open with the exit status when the program fails, until Enter (real sh)', () => {
    const spawn = linuxTerminalCommand(
      { kind: 'linux', name: 'xterm', command: '/usr/bin/xterm', extraArgs: [] },
      { command: '/bin/sh', args: ['-c', 'exit 3'], env: {} },
      { title: 't' },
    );
    const rest = spawn.args.slice(spawn.args.indexOf('/usr/bin/env'));
    const result = spawnSync(rest[0] ?? '', rest.slice(1), { input: '\n', encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('\n[/bin/sh exited with status 3. Press Enter to close.]');
  });

  it('names what to install when no terminal is found', async () => {
    const deps = { processes: fakeProcesses('linux', {}), fs: recordingFs(), env: {}, tmpdir: '/tmp' };
    await expect(openInTerminal(deps, program([]), { title: 'x' })).rejects.toMatchObject({
      reason: 'terminal-missing',
      message: expect.stringContaining('x-terminal-emulator, gnome-terminal, konsole, xterm'),
      hint: expect.stringContaining('apt install xterm'),
    });
  });

  it('falls back to the next terminal when one fails to start, and passes the env changes', async () => {
    const processes = fakeProcesses(
      'linux',
      { 'gnome-terminal': '/usr/bin/gnome-terminal', xterm: '/usr/bin/xterm' },
      (request) =>
        request.command.endsWith('gnome-terminal')
          ? { exitCode: 1, signal: null, stdout: '', stderr: 'no D-Bus' }
          : { exitCode: null, signal: null, stdout: '', stderr: '' },
    );
    const opened = await openInTerminal(
      { processes, fs: recordingFs(), env: { PATH: '/usr/bin', PGPASSWORD: 'stale' }, tmpdir: '/tmp' },
      program([], { PGPASSWORD: undefined }),
      { title: 'x' },
    );
    expect(opened.terminal).toBe('xterm');
    expect(processes.runs.map((r) => r.command)).toEqual(['/usr/bin/gnome-terminal', '/usr/bin/xterm']);
    expect(processes.runs[1]?.env).toEqual({ PATH: '/usr/bin' });
  });
});

describe('macOS Terminal / iTerm', () => {
  const dir = '/var/folders/xy/T/pgentra-0123abcd';
  const script = `${dir}/psql-prod.command`;

  it('writes a self-deleting 0700 script in a new 0700 directory and opens it with `open -a`', async () => {
    const files = recordingFs();
    const processes = fakeProcesses('darwin', {}, () => ({
      exitCode: 0,
      signal: null,
      stdout: '',
      stderr: '',
    }));
    const opened = await openInTerminal(
      { processes, fs: files, env: {}, tmpdir: '/var/folders/xy/T', randomId: () => '0123abcd' },
      {
        command: '/opt/homebrew/opt/libpq/bin/psql',
        args: ['--dbname', "host=h user='zoë o\\'b' passfile='/Users/zoë/my pgpass'"],
        env: { PGPASSWORD: undefined, PGAPPNAME: 'pgentra' },
      },
      { title: 'psql prod', preference: ['iTerm', 'Terminal'] },
    );
    expect(opened.terminal).toBe('iTerm');
    expect(files.dirs.get(dir)).toBe(0o700);
    expect(files.files.get(script)?.mode).toBe(0o700);
    expect(processes.runs[0]).toMatchObject({ command: '/usr/bin/open', args: ['-a', 'iTerm', script] });
    expect(files.files.get(script)?.data).toBe(
      [
        '#!/bin/sh',
        '# psql prod: written by pgentra, removes itself. Holds no password (psql reads it from passfile).',
        `rm -f -- '${script}'`,
        `rmdir -- '${dir}' 2>/dev/null`,
        'unset PGPASSWORD',
        "export PGAPPNAME='pgentra'",
        "printf '\\033]0;%s\\007' 'psql prod'",
        `exec '/opt/homebrew/opt/libpq/bin/psql' '--dbname' 'host=h user='\\''zoë o\\'\\''b'\\'' passfile='\\''/Users/zoë/my pgpass'\\'''`,
        '',
      ].join('\n'),
    );
  });

  it('removes the script and tries the next app when `open -a` fails', async () => {
    const files = recordingFs();
    const processes = fakeProcesses('darwin', {}, (request) => ({
      exitCode: request.args[1] === 'iTerm' ? 1 : 0,
      signal: null,
      stdout: '',
      stderr: 'Unable to find application named iTerm',
    }));
    let id = 0;
    const opened = await openInTerminal(
      { processes, fs: files, env: {}, tmpdir: '/tmp', randomId: () => `id${(id += 1)}` },
      program([]),
      { title: 'psql prod', preference: ['iterm2', 'Terminal'] },
    );
    expect(opened.terminal).toBe('Terminal');
    expect([...files.files.keys()]).toEqual(['/tmp/pgentra-id2/psql-prod.command']);
  });

  it('the script runs the program with its exact argv and env, then leaves nothing behind (real sh)', async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-mac-'));
    try {
      const fake = await argvRecorder(base, "fake 'psql'");
      const scriptDir = path.join(base, 'pgentra-x');
      const plan = planTerminalLaunch({
        terminal: { kind: 'mac', app: 'Terminal' },
        program: {
          command: fake.command,
          args: AWKWARD,
          env: { PGPASSWORD: undefined, PGAPPNAME: '$app "q"' },
        },
        title: 'psql prod',
        scriptDir,
      });
      const file = plan.files[0];
      if (!file) throw new Error('no script planned');
      await fs.mkdir(scriptDir, { mode: 0o700 });
      await fs.writeFile(file.path, file.content, { mode: file.mode });
      expect((await fs.stat(file.path)).mode & 0o777).toBe(0o700);
      const result = spawnSync('/bin/sh', [file.path], {
        env: { ...process.env, PGPASSWORD: 'stale' },
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(await fake.started()).toEqual({
        argv: AWKWARD,
        pw: null,
        app: '$app "q"',
      });
      await expect(fs.stat(scriptDir)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await fs.rm(base, { recursive: true, force: true });
    }
  });
});

describe('environment changes', () => {
  it('sets and removes variables without touching the base', () => {
    const base = { PATH: '/bin', PGPASSWORD: 'stale' };
    expect(applyEnv(base, { PGPASSWORD: undefined, PGAPPNAME: 'x' })).toEqual({
      PATH: '/bin',
      PGAPPNAME: 'x',
    });
    expect(base).toEqual({ PATH: '/bin', PGPASSWORD: 'stale' });
  });

  it('rejects invalid variable names', () => {
    expect(() =>
      linuxTerminalCommand(
        { kind: 'linux', name: 'xterm', command: '/usr/bin/xterm', extraArgs: [] },
        program([], { 'BAD NAME': 'x' }),
        { title: 't' },
      ),
    ).toThrow(LaunchError);
  });
});
