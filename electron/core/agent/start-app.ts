// macOS: the sign-in lives in a keychain item, and the keychain lets only the program that created
// it read it without asking ("node wants to use your confidential information stored in …"). The
// tray app created it; a CLI run by pgAdmin is another program (`node`, a different binary after
// every Homebrew or nvm upgrade, so even "Always Allow" does not last). So on macOS the CLI asks
// the app's agent, and when no agent answers it starts the installed app in the background and
// asks again, before it would open the keychain itself.
import path from 'node:path';
import type { FileSystem, Processes } from '../ports.js';

export interface AppAgentDeps {
  processes: Processes;
  fs: FileSystem;
  /** This CLI's executable: inside pgentra.app when it is the app's own CLI. */
  execPath: string;
  homedir: string;
  /** Whether an agent answers now (a `ping`). */
  agentAnswers: () => Promise<boolean>;
  sleep: (ms: number) => Promise<void>;
  /** How long the app may take to start its agent (default 15 s). */
  timeoutMs?: number;
}

const POLL_MS = 250;

/** The pgentra.app to start: the bundle this CLI belongs to, else /Applications, ~/Applications. */
export async function findMacApp(
  deps: Pick<AppAgentDeps, 'fs' | 'execPath' | 'homedir'>,
): Promise<string | null> {
  const own = /^(.*?\/[^/]+\.app)\/Contents\//.exec(deps.execPath)?.[1];
  const candidates = [
    ...(own ? [own] : []),
    '/Applications/pgentra.app',
    path.posix.join(deps.homedir, 'Applications', 'pgentra.app'),
  ];
  for (const app of candidates) {
    const stat = await deps.fs.lstat(app).catch(() => null);
    if (stat?.isDirectory) return app;
  }
  return null;
}

/**
 * Starts pgentra.app without bringing it to the front (`open -g -j`: LaunchServices starts it
 * hidden, or does nothing more if it already runs) and waits until its agent answers. Resolves
 * what happened, for a line on stderr; never throws: the caller then opens the keychain itself.
 */
export async function startAppAgent(
  deps: AppAgentDeps,
): Promise<{ started: true; app: string } | { started: false; why: string }> {
  if (deps.processes.platform !== 'darwin') return { started: false, why: 'not macOS' };
  const app = await findMacApp(deps);
  if (!app) return { started: false, why: 'pgentra.app is not installed' };
  const opened = await deps.processes
    .run({ command: '/usr/bin/open', args: ['-g', '-j', app], stdio: 'pipe' })
    .catch((error: unknown) => ({
      exitCode: 1,
      stderr: error instanceof Error ? error.message : String(error),
    }));
  if (opened.exitCode !== 0) return { started: false, why: `open ${app} failed: ${opened.stderr.trim()}` };
  const timeoutMs = deps.timeoutMs ?? 15_000;
  for (let waited = 0; waited <= timeoutMs; waited += POLL_MS) {
    if (await deps.agentAnswers()) return { started: true, app };
    await deps.sleep(POLL_MS);
  }
  return { started: false, why: `${app} did not answer within ${Math.round(timeoutMs / 1000)} s` };
}
