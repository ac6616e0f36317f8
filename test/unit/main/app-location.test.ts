// macOS: pgentra opened from its disk image or a translocated download (issue 17, item 22).
// Electron's app.isInApplicationsFolder()/moveToApplicationsFolder() (shell/browser/api/
// electron_api_app.cc, ui/cocoa/ … PFMoveApplication) are stood in for; the platform is passed in.
import { describe, expect, it } from 'vitest';
import { assertStableAppLocation, temporaryAppLocation } from '../../../electron/core/launch/app-location.js';
import { planCliShim } from '../../../electron/core/launch/cli-shim.js';
import { passwordExecCommand } from '../../../electron/core/launch/pgadmin-servers.js';
import { planService } from '../../../electron/core/agent/service-unit.js';
import { offerMoveToApplications, type AppLocationDeps } from '../../../electron/main/app-location.js';

const DMG = '/Volumes/pgentra 1.0.0-arm64/pgentra.app/Contents/Resources/cli/pgentra';
const TRANSLOCATED =
  '/private/var/folders/x1/abc/T/AppTranslocation/5E1F2B3C-AAAA-BBBB-CCCC-0123456789AB/d/pgentra.app/Contents/Resources/cli/pgentra';
const INSTALLED = '/Applications/pgentra.app/Contents/Resources/cli/pgentra';

function app(overrides: Partial<AppLocationDeps> = {}) {
  const calls: string[] = [];
  const deps: AppLocationDeps = {
    platform: 'darwin',
    isPackaged: true,
    isInApplicationsFolder: () => false,
    moveToApplicationsFolder: () => (calls.push('move'), true),
    ask: (question) => (calls.push(`ask: ${question.message}`), 0),
    log: (message) => calls.push(`log: ${message}`),
    ...overrides,
  };
  return { deps, calls };
}

describe('offerMoveToApplications', () => {
  it('asks, and moves (Electron then starts the moved copy) when the user agrees', () => {
    const { deps, calls } = app();
    expect(offerMoveToApplications(deps)).toBe(true);
    expect(calls).toEqual(['ask: Move pgentra to the Applications folder?', 'move']);
  });

  it('goes on where it is when the user declines, or when the move fails', () => {
    const declined = app({ ask: () => 1 });
    expect(offerMoveToApplications(declined.deps)).toBe(false);
    expect(declined.calls).toEqual([]);
    const failed = app({
      moveToApplicationsFolder: () => {
        throw new Error('permission denied');
      },
    });
    expect(offerMoveToApplications(failed.deps)).toBe(false);
    expect(failed.calls.at(-1)).toBe('log: could not move to Applications: permission denied');
  });

  it('asks nothing in /Applications, in development, or on Windows and Linux', () => {
    for (const overrides of [
      { isInApplicationsFolder: () => true },
      { isPackaged: false },
      { platform: 'win32' as const },
      { platform: 'linux' as const },
    ]) {
      const { deps, calls } = app(overrides);
      expect(offerMoveToApplications(deps)).toBe(false);
      expect(calls).toEqual([]);
    }
  });
});

describe('commands are not registered from a temporary location', () => {
  it('knows the disk image and App Translocation, and nothing else', () => {
    expect(temporaryAppLocation(DMG, 'darwin')).toMatch(/disk image/);
    expect(temporaryAppLocation(TRANSLOCATED, 'darwin')).toMatch(/App Translocation/);
    expect(temporaryAppLocation(INSTALLED, 'darwin')).toBeNull();
    // An npm-installed CLI on an external disk is not an app bundle: fine.
    expect(temporaryAppLocation('/Volumes/Data/node/bin/node', 'darwin')).toBeNull();
    expect(temporaryAppLocation(DMG, 'linux')).toBeNull();
    expect(() => assertStableAppLocation([INSTALLED], 'darwin', 'x')).not.toThrow();
  });

  it("refuses pgAdmin's password command, the pgentra launcher and the agent service from the DMG or a translocated copy", () => {
    for (const cli of [DMG, TRANSLOCATED]) {
      expect(() =>
        passwordExecCommand({ pgentraCommand: [cli], cluster: 'prod', minValidSec: 600, platform: 'darwin' }),
      ).toThrow(
        /pgentra is running from .* so pgAdmin's password command would stop working once that is gone/,
      );
      expect(() =>
        planCliShim({ platform: 'darwin', homedir: '/Users/ann', env: {}, pgentraCommand: [cli] }),
      ).toThrow(/so the pgentra command would stop working/);
      expect(() =>
        planService({
          platform: 'darwin',
          homedir: '/Users/ann',
          env: {},
          configDir: '/Users/ann/Library/Application Support/pgentra',
          pgentraCommand: [cli],
        }),
      ).toThrow(/so the agent service would stop working/);
    }
    expect(
      passwordExecCommand({
        pgentraCommand: [INSTALLED],
        cluster: 'prod',
        minValidSec: 600,
        platform: 'darwin',
      }),
    ).toContain(INSTALLED);
  });
});
