// build/electron-builder.yml as `npm run dist` reads it (no packaging here: that needs each
// platform's Electron binary): what electron-builder's own code demands of it, and what it
// must never carry.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const requireHere = createRequire(import.meta.url);
const yaml = requireHere('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  mac: { extendInfo: Record<string, unknown> };
  linux: { target: string[]; maintainer?: string; executableArgs?: string[] };
  deb: Record<string, unknown>;
  appImage?: Record<string, unknown>;
}

const config = yaml.load(
  readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8'),
) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** Every text file under `dir` (recursively), as [path relative to the root, text]. */
function textFiles(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((name): [string, string][] => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return textFiles(file);
    if (/\.(png|ico|icns|pem)$/.test(name)) return [];
    return [[path.relative(root, file), readFileSync(file, 'utf8')]];
  });
}

describe('electron-builder.yml', () => {
  // Apple's Info.plist key NSUserNotificationAlertStyle: "alert" makes notices persistent with
  // their action buttons shown (the default "banner" hides them); Electron's notification
  // actions (docs/api/notification.md, `actions`) rely on it on macOS.
  it('asks macOS for alert-style notifications, whose buttons show', () => {
    expect(config.mac.extendInfo.NSUserNotificationAlertStyle).toBe('alert');
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
  });

  // app-builder-lib out/targets/FpmTarget.js, computeFpmMetaInfoOptions: without package.json's
  // homepage it throws "Please specify project homepage", without linux.maintainer (or deb's)
  // and an author email it throws errorMessages.authorEmailIsMissed; `npm run dist` then built no
  // deb. Run electron-builder's own check on our config and package.json.
  it("passes electron-builder's deb (fpm) metadata check", async () => {
    const { AppInfo } = requireHere('app-builder-lib/out/appInfo') as {
      AppInfo: new (info: unknown, buildVersion: null, options: unknown) => unknown;
    };
    const FpmTarget = (
      requireHere('app-builder-lib/out/targets/FpmTarget') as {
        default: new (
          name: string,
          packager: unknown,
          helper: unknown,
          outDir: string,
        ) => { scriptFiles: Promise<unknown>; checkOptions(): Promise<Record<string, string>> };
      }
    ).default;
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'pgentra-fpm-'));
    try {
      let n = 0;
      const info = {
        metadata: packageJson,
        devMetadata: packageJson,
        config,
        repositoryInfo: Promise.resolve(null),
        tempDirManager: {
          getTempFile: async ({ suffix }: { suffix: string }) => path.join(tmp, `${n++}-${suffix}`),
        },
      };
      const appInfo = new AppInfo(info, null, config.linux);
      const packager = {
        appInfo,
        info,
        config,
        platformSpecificBuildOptions: config.linux,
        executableName: 'pgentra',
        projectDir: root,
      };
      const target = new FpmTarget('deb', packager, {}, tmp);
      await target.scriptFiles;
      const meta = await target.checkOptions();
      expect(meta.maintainer).toMatch(/^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[a-z]+>$/);
      expect(meta.url).toMatch(/^https:\/\//);
      expect(meta.name).toBe('pgentra');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  // electron/electron#42510: on Ubuntu 24.04+ an AppImage aborts in the SUID sandbox helper. The
  // deb is the supported package there (its post-install installs the AppArmor profile,
  // app-builder-lib templates/linux/after-install.tpl); the fix is never to ship the app with
  // Chromium's sandbox turned off, which would leave a compromised renderer nothing between it
  // and the process holding the tokens.
  it('ships a deb, and nothing that turns the sandbox off', () => {
    expect(config.linux.target).toContain('deb');
    const afterInstall = readFileSync(
      requireHere.resolve('app-builder-lib/templates/linux/after-install.tpl'),
      'utf8',
    );
    expect(afterInstall).toContain("APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'");
    expect(config.linux.executableArgs ?? []).not.toContain('--no-sandbox');
    const shipped = [
      ...['electron', 'build', 'bin', 'scripts', '.github'].flatMap((dir) => textFiles(path.join(root, dir))),
      ['package.json', JSON.stringify(packageJson)] as [string, string],
    ];
    expect(shipped.length).toBeGreaterThan(50);
    const offenders = shipped
      .filter(([, text]) => /no-sandbox|disable-setuid-sandbox|ELECTRON_DISABLE_SANDBOX/i.test(text))
      .map(([file]) => file);
    // This file names the switches it looks for, and lives under test/, outside the scan.
    expect(offenders).toEqual([]);
  });
});
