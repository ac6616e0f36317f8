// macOS: a pgentra opened from its disk image or from a quarantined download runs from a path that
// vanishes (core/launch/app-location.ts), and the commands it registers with it. Offer to move it
// to /Applications first, as Electron's app.moveToApplicationsFolder() does (it copies the
// bundle, quits and starts the copy).
export interface AppLocationDeps {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  isInApplicationsFolder(): boolean;
  /** Electron's: true when the app was moved (it then quits and starts the moved copy). */
  moveToApplicationsFolder(): boolean;
  /** A modal question; the index of the button chosen. */
  ask(options: {
    message: string;
    detail: string;
    buttons: string[];
    defaultId: number;
    cancelId: number;
  }): number;
  log(message: string): void;
}

/** Asks once per start; true when the app is being moved (the caller starts nothing more). */
export function offerMoveToApplications(deps: AppLocationDeps): boolean {
  if (deps.platform !== 'darwin' || !deps.isPackaged || deps.isInApplicationsFolder()) return false;
  const choice = deps.ask({
    message: 'Move pgentra to the Applications folder?',
    detail:
      'pgentra is running from a disk image or a temporary copy macOS made of it. Commands it sets up for ' +
      'pgAdmin and your terminal would stop working once that is gone, so pgentra will not set them up from here.',
    buttons: ['Move to Applications', 'Not now'],
    defaultId: 0,
    cancelId: 1,
  });
  if (choice !== 0) return false;
  try {
    return deps.moveToApplicationsFolder();
  } catch (error) {
    // Electron throws when something other than the user stopped the move (permissions, a copy in use).
    deps.log(`could not move to Applications: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
