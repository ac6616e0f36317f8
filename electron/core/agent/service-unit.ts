// `pgentra agent --install-service`: the agent as a per-user service where no tray runs. A systemd
// user unit on Linux, a launchd LaunchAgent on macOS, a logon task on Windows (imported from a task
// XML, which unlike `/SC ONLOGON /TR` can lift the 72-hour run limit and the battery rule, and has
// no 261-character command limit). Each carries a marker; a file or task without it is never
// replaced or removed. Commands run without a shell; a failure names what to run by hand.
import path from 'node:path';
import { resolveConfigDir } from '../config-dir.js';
import { PgentraError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { assertStableAppLocation } from '../launch/app-location.js';
import {
  msvcrtQuote,
  shWord,
  systemdExecutable,
  systemdQuote,
  taskActionArguments,
  xmlEscape,
} from '../launch/quoting.js';
import type { FileSystem, Processes } from '../ports.js';

export const SERVICE_MARK = 'written by pgentra for its agent service';
export const SYSTEMD_UNIT = 'pgentra-agent.service';
export const LAUNCHD_LABEL = 'dev.pgentra.agent';
export const WINDOWS_TASK = 'pgentra-agent';

export interface ServiceInput {
  platform: NodeJS.Platform;
  homedir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The config dir the agent should use (PGENTRA_HOME resolved). */
  configDir: string;
  /** The CLI as this process runs it: an executable, or an interpreter and a script. */
  pgentraCommand: readonly string[];
  /** macOS: the user's uid (launchd's gui/UID domain). */
  uid?: number;
}

export interface ServiceCommand {
  command: string;
  args: string[];
  /** Failing is expected sometimes (stopping what is not running) and not an error. */
  mayFail?: boolean;
}

export interface ServicePlan {
  kind: 'systemd' | 'launchd' | 'task';
  file: string;
  content: Buffer;
  /** The content as a person reads it (`--print-service`). */
  text: string;
  install: ServiceCommand[];
  uninstall: ServiceCommand[];
  /** Windows: asks Task Scheduler for the task, to tell ours from someone else's. */
  query?: ServiceCommand;
  notes: string[];
}

function customConfigDir(input: ServiceInput): string | undefined {
  if (!input.env.PGENTRA_HOME) return undefined;
  const standard = resolveConfigDir({ ...input.env, PGENTRA_HOME: undefined }, input.platform, input.homedir);
  return input.configDir === standard ? undefined : input.configDir;
}

function systemdPlan(input: ServiceInput, command: readonly string[]): ServicePlan {
  const [program = '', ...args] = command;
  const file = path.posix.join(input.homedir, '.config', 'systemd', 'user', SYSTEMD_UNIT);
  const home = customConfigDir(input);
  const text = [
    `# ${SERVICE_MARK}; remove it with \`pgentra agent --uninstall-service\`.`,
    '[Unit]',
    'Description=pgentra agent: keeps Entra ID tokens for PostgreSQL fresh',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[systemdExecutable(program), ...args.map((word) => systemdQuote(word, { variables: true }))].join(' ')}`,
    ...(home ? [`Environment=${systemdQuote(`PGENTRA_HOME=${home}`, { variables: false })}`] : []),
    'Restart=on-failure',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
  const systemctl = (...args: string[]): ServiceCommand => ({
    command: 'systemctl',
    args: ['--user', ...args],
  });
  return {
    kind: 'systemd',
    file,
    content: Buffer.from(text, 'utf8'),
    text,
    install: [
      systemctl('daemon-reload'),
      systemctl('enable', SYSTEMD_UNIT),
      systemctl('restart', SYSTEMD_UNIT),
    ],
    uninstall: [{ ...systemctl('disable', '--now', SYSTEMD_UNIT), mayFail: true }],
    notes: ['Its log: journalctl --user -u pgentra-agent'],
  };
}

function launchdPlan(input: ServiceInput, command: readonly string[]): ServicePlan {
  if (input.uid === undefined) throw new PgentraError('internal', 'no user id for launchd');
  const file = path.posix.join(input.homedir, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const home = customConfigDir(input);
  const log = path.posix.join(input.configDir, 'agent.log');
  const string = (value: string) => `<string>${xmlEscape(value)}</string>`;
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${SERVICE_MARK} -->`,
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${string(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...command.map((word) => `    ${string(word)}`),
    '  </array>',
    ...(home
      ? ['  <key>EnvironmentVariables</key>', `  <dict><key>PGENTRA_HOME</key>${string(home)}</dict>`]
      : []),
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key>',
    '  <dict><key>SuccessfulExit</key><false/></dict>',
    '  <key>ProcessType</key><string>Background</string>',
    `  <key>StandardErrorPath</key>${string(log)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
  const domain = `gui/${input.uid}`;
  return {
    kind: 'launchd',
    file,
    content: Buffer.from(text, 'utf8'),
    text,
    install: [
      { command: 'launchctl', args: ['bootout', `${domain}/${LAUNCHD_LABEL}`], mayFail: true },
      { command: 'launchctl', args: ['bootstrap', domain, file] },
    ],
    uninstall: [{ command: 'launchctl', args: ['bootout', `${domain}/${LAUNCHD_LABEL}`], mayFail: true }],
    notes: [`Its log: ${log}`],
  };
}

function taskPlan(input: ServiceInput, command: readonly string[]): ServicePlan {
  const [program = '', ...args] = command;
  const user = input.env.USERNAME;
  if (!user) throw new PgentraError('service-failed', 'USERNAME is not set, so the logon task has no user');
  const userId = input.env.USERDOMAIN ? `${input.env.USERDOMAIN}\\${user}` : user;
  const file = path.win32.join(input.configDir, 'pgentra-agent-task.xml');
  const text = [
    '<?xml version="1.0" encoding="UTF-16"?>',
    `<!-- ${SERVICE_MARK} -->`,
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    `    <Description>pgentra agent: keeps Entra ID tokens for PostgreSQL fresh (${SERVICE_MARK})</Description>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    `    <LogonTrigger><Enabled>true</Enabled><UserId>${xmlEscape(userId)}</UserId></LogonTrigger>`,
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    `      <UserId>${xmlEscape(userId)}</UserId>`,
    '      <LogonType>InteractiveToken</LogonType>',
    '      <RunLevel>LeastPrivilege</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <RestartOnFailure><Interval>PT1M</Interval><Count>999</Count></RestartOnFailure>',
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${xmlEscape(program)}</Command>`,
    `      <Arguments>${xmlEscape(taskActionArguments(args, program))}</Arguments>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
  const schtasks = (...rest: string[]): ServiceCommand => ({ command: 'schtasks', args: rest });
  const home = customConfigDir(input);
  return {
    kind: 'task',
    file,
    content: Buffer.from(`\ufeff${text}`, 'utf16le'),
    text,
    query: schtasks('/Query', '/TN', WINDOWS_TASK, '/XML'),
    install: [
      schtasks('/Create', '/TN', WINDOWS_TASK, '/XML', file, '/F'),
      schtasks('/Run', '/TN', WINDOWS_TASK),
    ],
    uninstall: [
      { ...schtasks('/End', '/TN', WINDOWS_TASK), mayFail: true },
      schtasks('/Delete', '/TN', WINDOWS_TASK, '/F'),
    ],
    notes: home
      ? [
          `A logon task starts with your saved user environment: keep PGENTRA_HOME there (setx PGENTRA_HOME ${msvcrtQuote(home)}), or the agent uses the default folder.`,
        ]
      : [],
  };
}

/** What `--install-service` writes and runs on this platform; nothing is touched. */
export function planService(input: ServiceInput): ServicePlan {
  if (input.pgentraCommand.length === 0) throw new PgentraError('internal', 'no pgentra command to install');
  assertStableAppLocation(input.pgentraCommand, input.platform, 'the agent service');
  // --standby: while the tray app serves tokens the service waits instead of failing, which a
  // service manager would answer by restarting it every few seconds for as long as the tray runs.
  const command = [...input.pgentraCommand, 'agent', '--standby'];
  if (input.platform === 'linux') return systemdPlan(input, command);
  if (input.platform === 'darwin') return launchdPlan(input, command);
  if (input.platform === 'win32') return taskPlan(input, command);
  throw new PgentraError(
    'service-failed',
    `pgentra cannot install a service on ${input.platform}; run \`pgentra agent\` from your own service manager`,
  );
}

/** The command as a person would type it. */
export function commandLine(step: ServiceCommand, platform: NodeJS.Platform): string {
  const quote = platform === 'win32' ? msvcrtQuote : shWord;
  return [step.command, ...step.args].map(quote).join(' ');
}

export interface ServiceDeps {
  fs: FileSystem;
  processes: Processes;
}

function decode(data: Buffer): string {
  return data[0] === 0xff && data[1] === 0xfe ? data.subarray(2).toString('utf16le') : data.toString('utf8');
}

/** Whether the file is there and whether it is ours; a symlink or a foreign file is not. */
async function existingFile(fs: FileSystem, file: string): Promise<'absent' | 'ours' | 'foreign'> {
  const stat = await fs.lstat(file);
  if (!stat) return 'absent';
  if (!stat.isFile) return 'foreign';
  return decode(await fs.readFile(file)).includes(SERVICE_MARK) ? 'ours' : 'foreign';
}

async function runStep(deps: ServiceDeps, step: ServiceCommand, done: string): Promise<void> {
  const byHand = commandLine(step, deps.processes.platform);
  let failure: string;
  try {
    const result = await deps.processes.run({ command: step.command, args: step.args, stdio: 'pipe' });
    if (result.exitCode === 0 || step.mayFail) return;
    failure = (result.stderr.trim() || result.stdout.trim() || `exit code ${String(result.exitCode)}`).split(
      '\n',
    )[0]!;
  } catch (error) {
    if (step.mayFail) return;
    failure = error instanceof Error ? error.message : String(error);
  }
  throw new PgentraError('service-failed', `${done}, but \`${byHand}\` failed: ${failure}. Run it yourself.`);
}

/** Task Scheduler's answer: absent, ours (its description carries the mark), or someone else's. */
async function existingTask(deps: ServiceDeps, plan: ServicePlan): Promise<'absent' | 'ours' | 'foreign'> {
  if (!plan.query) return 'absent';
  const result = await deps.processes
    .run({ command: plan.query.command, args: plan.query.args, stdio: 'pipe' })
    .catch(() => null);
  if (!result || result.exitCode !== 0) return 'absent';
  return result.stdout.includes(SERVICE_MARK) ? 'ours' : 'foreign';
}

function notOurs(what: string): PgentraError {
  return new PgentraError(
    'service-not-ours',
    `${what} already exists and was not written by pgentra; pgentra leaves it alone`,
    { file: what },
  );
}

/** Writes the unit (atomically; idempotent) and starts it. Returns what to tell the user. */
export async function installService(deps: ServiceDeps, input: ServiceInput): Promise<string[]> {
  const plan = planService(input);
  if ((await existingFile(deps.fs, plan.file)) === 'foreign') throw notOurs(plan.file);
  if ((await existingTask(deps, plan)) === 'foreign') throw notOurs(`The scheduled task ${WINDOWS_TASK}`);
  const directory = (plan.kind === 'task' ? path.win32 : path.posix).dirname(plan.file);
  await deps.fs.mkdir(directory, plan.kind === 'task' ? 0o700 : 0o755);
  if (plan.kind === 'launchd') await deps.fs.mkdir(input.configDir, 0o700);
  const existing = await deps.fs.lstat(plan.file);
  await writeFileAtomic(deps.fs, plan.file, plan.content, { mode: 0o644, expect: existing });
  for (const step of plan.install) await runStep(deps, step, `pgentra wrote ${plan.file}`);
  const started =
    plan.kind === 'task'
      ? `Installed the logon task ${WINDOWS_TASK} (from ${plan.file}) and started it`
      : `Installed ${plan.file} and started it`;
  return [`${started}: it runs \`pgentra agent\` whenever you log in.`, ...plan.notes];
}

/** Stops and removes the service if pgentra installed it; anything else is left alone. */
export async function uninstallService(deps: ServiceDeps, input: ServiceInput): Promise<string[]> {
  const plan = planService(input);
  const file = await existingFile(deps.fs, plan.file);
  const task = await existingTask(deps, plan);
  if (file === 'foreign') throw notOurs(plan.file);
  if (task === 'foreign') throw notOurs(`The scheduled task ${WINDOWS_TASK}`);
  if (file === 'absent' && task === 'absent') return ['No pgentra agent service is installed.'];
  if (plan.kind !== 'task' || task === 'ours')
    for (const step of plan.uninstall) await runStep(deps, step, 'pgentra was removing the agent service');
  if (file === 'ours') await deps.fs.unlink(plan.file);
  if (plan.kind === 'systemd')
    await runStep(
      deps,
      { command: 'systemctl', args: ['--user', 'daemon-reload'] },
      `pgentra removed ${plan.file}`,
    );
  return [`Removed the pgentra agent service (${plan.kind === 'task' ? WINDOWS_TASK : plan.file}).`];
}
