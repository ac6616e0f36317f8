// macOS: the CLI lets the app answer before it opens the keychain item the app created (issue 17,
// item 23). A keychain item's access list trusts the program that created it; any other program
// (the CLI under pgAdmin, i.e. `node`) makes macOS ask "node wants to use your confidential
// information", and loses "Always Allow" whenever that binary changes (Homebrew, nvm upgrades).
// Launch Services' `open -g -j` (open(1)) starts the app in the background.
import { describe, expect, it } from 'vitest';
import { findMacApp, startAppAgent, type AppAgentDeps } from '../../../../electron/core/agent/start-app.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';

function deps(platform: NodeJS.Platform, overrides: Partial<AppAgentDeps> = {}) {
  const fs = new MemoryFileSystem({ root: true }).mkdirp('/Applications/pgentra.app/Contents/MacOS');
  let opened = false;
  const processes = fakeProcesses(platform, {}, (request) => {
    if (request.command === '/usr/bin/open') opened = true;
    return {};
  });
  let pings = 0;
  const slept: number[] = [];
  const value: AppAgentDeps = {
    processes,
    fs,
    execPath: '/opt/homebrew/Cellar/node/24.1.0/bin/node',
    homedir: '/Users/ann',
    // The app's agent comes up a moment after `open`.
    agentAnswers: async () => opened && ++pings > 2,
    sleep: async (ms) => void slept.push(ms),
    ...overrides,
  };
  return { value, processes, fs, slept };
}

describe('startAppAgent', () => {
  it('starts the installed app hidden and waits until its agent answers', async () => {
    const { value, processes } = deps('darwin');
    expect(await startAppAgent(value)).toEqual({ started: true, app: '/Applications/pgentra.app' });
    expect(processes.runs).toEqual([
      { command: '/usr/bin/open', args: ['-g', '-j', '/Applications/pgentra.app'], stdio: 'pipe' },
    ]);
  });

  it("prefers the app bundle the CLI itself belongs to (the standalone binary's one identity)", async () => {
    const { value, fs } = deps('darwin', {
      execPath: '/Users/ann/Applications/pgentra.app/Contents/Resources/cli/pgentra',
    });
    fs.mkdirp('/Users/ann/Applications/pgentra.app/Contents');
    expect(await findMacApp(value)).toBe('/Users/ann/Applications/pgentra.app');
  });

  it('gives up after the timeout, saying so, and the caller goes on to the keychain', async () => {
    const { value, slept } = deps('darwin', { agentAnswers: async () => false, timeoutMs: 1_000 });
    expect(await startAppAgent(value)).toEqual({
      started: false,
      why: '/Applications/pgentra.app did not answer within 1 s',
    });
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_000);
  });

  it('does nothing without the app, or on Windows and Linux (their stores do not ask per program)', async () => {
    const none = deps('darwin', { fs: new MemoryFileSystem({ root: true }) });
    expect(await startAppAgent(none.value)).toEqual({ started: false, why: 'pgentra.app is not installed' });
    expect(none.processes.runs).toEqual([]);
    for (const platform of ['linux', 'win32'] as const) {
      const other = deps(platform);
      expect((await startAppAgent(other.value)).started).toBe(false);
      expect(other.processes.runs).toEqual([]);
    }
  });
});
