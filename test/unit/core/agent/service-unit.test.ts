// `pgentra agent --install-service` on all three platforms: the file it plans, the commands it
// runs (through the fake Processes, so nothing starts), and what it refuses to touch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  installService,
  planService,
  SERVICE_MARK,
  uninstallService,
  type ServiceInput,
} from '../../../../electron/core/agent/service-unit.js';
import { PgentraError } from '../../../../electron/core/errors.js';
import {
  systemdExecutable,
  systemdQuote,
  taskActionArguments,
  xmlEscape,
} from '../../../../electron/core/launch/quoting.js';
import type { SpawnRequest } from '../../../../electron/core/ports.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';
import { msvcrtSplit } from '../../../support/fakes/quoting.js';

const UNIT = '/home/me/.config/systemd/user/pgentra-agent.service';
const PLIST = '/Users/me/Library/LaunchAgents/dev.pgentra.agent.plist';

const linux = (env: Record<string, string> = {}): ServiceInput => ({
  platform: 'linux',
  homedir: '/home/me',
  env,
  configDir: env.PGENTRA_HOME ?? '/home/me/.config/pgentra',
  pgentraCommand: ['/opt/node 20/bin/node', '/opt/pgentra/bin/pgentra.cjs'],
});
const mac: ServiceInput = {
  platform: 'darwin',
  homedir: '/Users/me',
  env: {},
  configDir: '/Users/me/Library/Application Support/pgentra',
  pgentraCommand: ['/Applications/pgentra.app/Contents/Resources/cli/pgentra'],
  uid: 501,
};
const windows: ServiceInput = {
  platform: 'win32',
  homedir: 'C:\\Users\\me',
  env: { USERNAME: 'me', USERDOMAIN: 'CONTOSO', APPDATA: 'C:\\Users\\me\\AppData\\Roaming' },
  configDir: 'C:\\Users\\me\\AppData\\Roaming\\pgentra',
  pgentraCommand: ['C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\me\\pgentra 100%\\pgentra.cjs'],
};

const commands = (runs: SpawnRequest[]) => runs.map((run) => [run.command, ...run.args].join(' '));

describe('the systemd user unit (Linux)', () => {
  it('runs this pgentra with `agent`, restarts it on failure and starts with the user session', () => {
    const plan = planService(linux());
    expect(plan.file).toBe(UNIT);
    expect(plan.text).toContain(SERVICE_MARK);
    expect(plan.text).toContain(
      'ExecStart="/opt/node 20/bin/node" "/opt/pgentra/bin/pgentra.cjs" "agent" "--standby"\n',
    );
    expect(plan.text).toContain('Restart=on-failure\n');
    expect(plan.text).toContain('[Install]\nWantedBy=default.target\n');
    expect(plan.text).not.toContain('Environment=');
  });

  it('passes PGENTRA_HOME only when the config dir is not the default', () => {
    expect(planService(linux({ PGENTRA_HOME: '/home/me/.config/pgentra' })).text).not.toContain(
      'Environment',
    );
    expect(planService(linux({ PGENTRA_HOME: '/srv/pg 100%' })).text).toContain(
      'Environment="PGENTRA_HOME=/srv/pg 100%%"\n',
    );
  });

  it('writes the unit atomically (0644), reloads, enables and starts it; again is the same', async () => {
    const fs = new MemoryFileSystem().mkdirp('/home/me', 0o700);
    const processes = fakeProcesses('linux');
    const lines = await installService({ fs, processes }, linux());
    expect(fs.peek(UNIT)?.toString()).toBe(planService(linux()).text);
    expect(fs.modeOf(UNIT)).toBe(0o644);
    expect(fs.calls.some((call) => call.op === 'rename' && call.path.includes('.pgentra-'))).toBe(true);
    const expected = [
      'systemctl --user daemon-reload',
      'systemctl --user enable pgentra-agent.service',
      'systemctl --user restart pgentra-agent.service',
    ];
    expect(commands(processes.runs)).toEqual(expected);
    expect(lines[0]).toContain(`Installed ${UNIT}`);
    await installService({ fs, processes }, linux({ PGENTRA_HOME: '/srv/pg' }));
    expect(fs.peek(UNIT)?.toString()).toContain('PGENTRA_HOME=/srv/pg');
    expect(commands(processes.runs)).toEqual([...expected, ...expected]);
  });

  it('never replaces a unit it did not write, nor writes through a symlink', async () => {
    const fs = new MemoryFileSystem().mkdirp('/home/me/.config/systemd/user').put(UNIT, '[Service]\n', 0o644);
    const processes = fakeProcesses('linux');
    await expect(installService({ fs, processes }, linux())).rejects.toMatchObject({
      code: 'service-not-ours',
    });
    await expect(uninstallService({ fs, processes }, linux())).rejects.toMatchObject({
      code: 'service-not-ours',
    });
    expect(fs.peek(UNIT)?.toString()).toBe('[Service]\n');
    const linked = new MemoryFileSystem()
      .mkdirp('/home/me/.config/systemd/user')
      .put('/elsewhere', SERVICE_MARK);
    linked.symlink('/elsewhere', UNIT);
    await expect(installService({ fs: linked, processes }, linux())).rejects.toMatchObject({
      code: 'service-not-ours',
    });
    expect(linked.peek('/elsewhere')?.toString()).toBe(SERVICE_MARK);
    expect(processes.runs).toEqual([]);
  });

  it('says what to run by hand when systemctl fails', async () => {
    const fs = new MemoryFileSystem().mkdirp('/home/me', 0o700);
    const processes = fakeProcesses('linux', {}, (request) =>
      request.args.includes('enable')
        ? { exitCode: 1, stderr: 'Failed to connect to bus: No medium found\n' }
        : {},
    );
    const error = await installService({ fs, processes }, linux()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PgentraError);
    expect(error).toMatchObject({ code: 'service-failed' });
    expect((error as Error).message).toBe(
      `pgentra wrote ${UNIT}, but \`systemctl --user enable pgentra-agent.service\` failed: ` +
        'Failed to connect to bus: No medium found. Run it yourself.',
    );
  });

  it('uninstalls only its own unit: stops it, removes the file, reloads', async () => {
    const fs = new MemoryFileSystem().mkdirp('/home/me', 0o700);
    const processes = fakeProcesses('linux');
    expect(await uninstallService({ fs, processes }, linux())).toEqual([
      'No pgentra agent service is installed.',
    ]);
    expect(processes.runs).toEqual([]);
    await installService({ fs, processes }, linux());
    processes.runs.length = 0;
    await uninstallService({ fs, processes }, linux());
    expect(fs.exists(UNIT)).toBe(false);
    expect(commands(processes.runs)).toEqual([
      'systemctl --user disable --now pgentra-agent.service',
      'systemctl --user daemon-reload',
    ]);
  });
});

describe('the launchd LaunchAgent (macOS)', () => {
  it('lists the program arguments, runs at load, restarts after a failure and logs to the config dir', () => {
    const plan = planService({
      ...mac,
      env: { PGENTRA_HOME: '/Users/me/a&b <c>' },
      configDir: '/Users/me/a&b <c>',
    });
    expect(plan.file).toBe(PLIST);
    expect(plan.text).toContain(
      '<array>\n    <string>/Applications/pgentra.app/Contents/Resources/cli/pgentra</string>\n    <string>agent</string>\n    <string>--standby</string>\n  </array>',
    );
    expect(plan.text).toContain('<key>PGENTRA_HOME</key><string>/Users/me/a&amp;b &lt;c&gt;</string>');
    expect(plan.text).toContain('<key>RunAtLoad</key><true/>');
    expect(plan.text).toContain('<key>KeepAlive</key>\n  <dict><key>SuccessfulExit</key><false/></dict>');
    expect(plan.text).toContain(
      '<key>StandardErrorPath</key><string>/Users/me/a&amp;b &lt;c&gt;/agent.log</string>',
    );
    expect(plan.text).not.toMatch(/<!--.*--.*-->/);
  });

  it('bootstraps it into gui/UID (after booting out an older one) and boots it out on uninstall', async () => {
    const fs = new MemoryFileSystem().mkdirp('/Users/me', 0o700);
    const processes = fakeProcesses('darwin', {}, (request) =>
      request.args[0] === 'bootout' ? { exitCode: 3, stderr: 'No such process' } : {},
    );
    await installService({ fs, processes }, mac);
    expect(fs.peek(PLIST)?.toString()).toBe(planService(mac).text);
    expect(fs.exists(mac.configDir)).toBe(true);
    expect(commands(processes.runs)).toEqual([
      'launchctl bootout gui/501/dev.pgentra.agent',
      `launchctl bootstrap gui/501 ${PLIST}`,
    ]);
    processes.runs.length = 0;
    await uninstallService({ fs, processes }, mac);
    expect(commands(processes.runs)).toEqual(['launchctl bootout gui/501/dev.pgentra.agent']);
    expect(fs.exists(PLIST)).toBe(false);
  });
});

describe('the logon task (Windows)', () => {
  const taskFile = 'C:\\Users\\me\\AppData\\Roaming\\pgentra\\pgentra-agent-task.xml';

  it('starts at this user’s logon, least privilege, no stored password, no run-time limit', () => {
    const plan = planService(windows);
    expect(plan.file).toBe(taskFile);
    expect(plan.content.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    expect(plan.content.subarray(2).toString('utf16le')).toBe(plan.text);
    expect(plan.text).toContain(
      '<LogonTrigger><Enabled>true</Enabled><UserId>CONTOSO\\me</UserId></LogonTrigger>',
    );
    expect(plan.text).toContain('<LogonType>InteractiveToken</LogonType>');
    expect(plan.text).toContain('<RunLevel>LeastPrivilege</RunLevel>');
    expect(plan.text).toContain('<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>');
    expect(plan.text).toContain('<DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>');
    expect(plan.text).toContain('<Command>C:\\Program Files\\nodejs\\node.exe</Command>');
    expect(plan.text).toContain(
      '<Arguments>&quot;C:\\Users\\me\\pgentra 100%\\pgentra.cjs&quot; agent --standby</Arguments>',
    );
  });

  it('refuses a command where Task Scheduler would expand %NAME%', () => {
    expect(() =>
      planService({ ...windows, pgentraCommand: ['C:\\100%\\node.exe', 'C:\\50%\\pgentra.cjs'] }),
    ).toThrow(/more than one %/);
  });

  it('imports the task, starts it, and removes only a task carrying its mark', async () => {
    const fs = new MemoryFileSystem({ root: true });
    let registered = false;
    const processes = fakeProcesses('win32', {}, (request) => {
      if (request.args[0] === '/Create') registered = true;
      if (request.args[0] === '/Delete') registered = false;
      if (request.args[0] === '/Query')
        return registered ? { stdout: `<Description>x (${SERVICE_MARK})</Description>` } : { exitCode: 1 };
      return {};
    });
    await installService({ fs, processes }, windows);
    expect(fs.peek(taskFile)).toEqual(planService(windows).content);
    expect(commands(processes.runs)).toEqual([
      'schtasks /Query /TN pgentra-agent /XML',
      `schtasks /Create /TN pgentra-agent /XML ${taskFile} /F`,
      'schtasks /Run /TN pgentra-agent',
    ]);
    processes.runs.length = 0;
    await uninstallService({ fs, processes }, windows);
    expect(commands(processes.runs)).toEqual([
      'schtasks /Query /TN pgentra-agent /XML',
      'schtasks /End /TN pgentra-agent',
      'schtasks /Delete /TN pgentra-agent /F',
    ]);
    expect(fs.exists(taskFile)).toBe(false);
  });

  it('leaves a pgentra-agent task someone else made alone', async () => {
    const fs = new MemoryFileSystem({ root: true });
    const processes = fakeProcesses('win32', {}, () => ({ stdout: '<Task><Actions/></Task>' }));
    await expect(installService({ fs, processes }, windows)).rejects.toMatchObject({
      code: 'service-not-ours',
    });
    await expect(uninstallService({ fs, processes }, windows)).rejects.toMatchObject({
      code: 'service-not-ours',
    });
    expect(commands(processes.runs)).toEqual([
      'schtasks /Query /TN pgentra-agent /XML',
      'schtasks /Query /TN pgentra-agent /XML',
    ]);
  });
});

/** systemd's reading of one quoted word (extract_first_word with UNQUOTE|CUNESCAPE, then specifiers and $). */
function systemdUnquote(word: string, variables: boolean): string {
  expect(word.startsWith('"') && word.endsWith('"')).toBe(true);
  let out = '';
  const inner = word.slice(1, -1);
  for (let i = 0; i < inner.length; i += 1) {
    const char = inner[i]!;
    if (char === '\\') out += inner[++i];
    else if (char === '"') throw new Error('unescaped quote ends the word early');
    else if (char === '%') {
      expect(inner[++i]).toBe('%');
      out += '%';
    } else if (char === '$' && variables) {
      expect(inner[++i]).toBe('$');
      out += '$';
    } else out += char;
  }
  return out;
}

function xmlUnescape(text: string): string {
  expect(text).not.toMatch(/[<>"']|&(?!(amp|lt|gt|quot|apos|#13);)/);
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#13': '\r' };
  return text.replace(/&(amp|lt|gt|quot|apos|#13);/g, (_, name: string) => entities[name]!);
}

describe('quoting for units, plists and tasks round-trips awkward paths', () => {
  const awkward = fc.string({
    unit: fc.constantFrom(...Array.from(`ab /\\"'%$\`!&<>;{}()[]*?é日😀`)),
    maxLength: 30,
  });

  it('systemd reads back exactly the value (ExecStart and Environment)', () => {
    fc.assert(
      fc.property(awkward, fc.boolean(), (value, variables) => {
        const word = systemdQuote(value, { variables });
        expect(word).not.toMatch(/[\n\r]/);
        expect(systemdUnquote(word, variables)).toBe(value);
      }),
    );
    expect(() => systemdQuote('a\nb', { variables: true })).toThrow(/line break/);
    fc.assert(
      fc.property(awkward, (value) => {
        if (/["'\\]/.test(value)) expect(() => systemdExecutable(value)).toThrow(/systemd refuses/);
        else expect(systemdUnquote(systemdExecutable(value), false)).toBe(value);
      }),
    );
  });

  it('XML reads back exactly the value', () => {
    fc.assert(
      fc.property(awkward, (value) => {
        expect(xmlUnescape(xmlEscape(value))).toBe(value);
      }),
    );
    expect(() => xmlEscape('a\u0001b')).toThrow(/XML cannot hold/);
  });

  it('the task arguments split back into exactly the arguments, or are refused', () => {
    fc.assert(
      fc.property(
        fc.array(
          awkward.filter((value) => !value.includes('\n')),
          { maxLength: 4 },
        ),
        (args) => {
          let line: string;
          try {
            line = taskActionArguments(args, 'C:\\node.exe');
          } catch (error) {
            expect((error as Error).message).toMatch(/more than one %/);
            return;
          }
          expect(msvcrtSplit(`node.exe ${line}`).slice(1)).toEqual(args);
        },
      ),
    );
  });
});
