// macOS: where the app runs from decides whether a command naming it keeps working. Opened from
// its disk image it runs under /Volumes/<image>/, which vanishes on eject; a quarantined copy
// opened where it was downloaded runs from a random read-only mount under
// /private/var/folders/…/AppTranslocation/… (Gatekeeper path randomisation), which vanishes at
// the next start. A pgAdmin password command, a `pgentra` launcher or a LaunchAgent naming such a
// path breaks silently later, so pgentra refuses to register one and says how to fix it.
import { LaunchError } from './errors.js';

/** Why `file` (inside an app bundle) is a temporary location, or null. */
export function temporaryAppLocation(file: string, platform: NodeJS.Platform): string | null {
  if (platform !== 'darwin') return null;
  if (/\/AppTranslocation\//.test(file)) return 'a temporary copy macOS made of the app (App Translocation)';
  if (/^\/Volumes\/[^/]+\/.*\.app\//.test(file)) return 'a disk image or another volume that can be ejected';
  return null;
}

/** Refuses a command for another program to run later that names a temporary app location. */
export function assertStableAppLocation(
  command: readonly string[],
  platform: NodeJS.Platform,
  what: string,
): void {
  for (const part of command) {
    const reason = temporaryAppLocation(part, platform);
    if (reason)
      throw new LaunchError(
        'app-location',
        `pgentra is running from ${reason} (${part}), so ${what} would stop working once that is gone`,
        'Move pgentra to the Applications folder (pgentra offers to at start), open it from there, and try again.',
      );
  }
}
