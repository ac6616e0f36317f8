// build/electron-builder.yml as `npm run dist` reads it (no packaging here: that needs each
// platform's Electron binary): what electron-builder's own code demands of it, and what it
// must never carry.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
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

describe('electron-builder.yml', () => {
  // Apple's Info.plist key NSUserNotificationAlertStyle: "alert" makes notices persistent with
  // their action buttons shown (the default "banner" hides them); Electron's notification
  // actions (docs/api/notification.md, `actions`) rely on it on macOS.
  it('asks macOS for alert-style notifications, whose buttons show', () => {
    expect(config.mac.extendInfo.NSUserNotificationAlertStyle).toBe('alert');
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
  });
});
