// Where the app's pieces are, packaged or not, and how pgAdmin starts the CLI.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppPaths {
  /** The app root: the checkout in development, `resources/app.asar` when packaged. */
  root: string;
  preload: string;
  rendererIndex: string;
  /** `rendererIndex` as the file:// URL Chromium reports for the page. */
  rendererUrl: string;
  assets: string;
}

/** `mainDir` is the directory of dist/main/main.cjs. */
export function appPaths(mainDir: string): AppPaths {
  const root = path.resolve(mainDir, '..', '..');
  const rendererIndex = path.join(root, 'dist', 'renderer', 'index.html');
  return {
    root,
    preload: path.join(root, 'dist', 'preload', 'preload.cjs'),
    rendererIndex,
    rendererUrl: pathToFileURL(rendererIndex).href,
    assets: path.join(root, 'assets'),
  };
}

export interface PgentraCommandInput {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  /** process.resourcesPath of the packaged app. */
  resourcesPath: string;
  root: string;
  /** An absolute Node.js for development runs (npm's, or the first on PATH); null if none. */
  nodePath: string | null;
  /** The running binary: Electron itself. */
  execPath: string;
}

/**
 * The command pgAdmin's PasswordExecCommand runs for a token (`… token NAME`).
 *
 * Packaged: the standalone executable shipped in `resources/cli/` (scripts/build-binary.mjs), which
 * carries its own Node and needs none on the machine. Not `[process.execPath, cli]` with
 * ELECTRON_RUN_AS_NODE=1: the RunAsNode fuse is off (build/fuses.cjs) because it would turn the
 * signed app binary into a general Node interpreter for anything on the machine.
 *
 * Development: `[node, <checkout>/bin/pgentra.cjs]`, the same as `npm run pgentra`.
 */
export function pgentraCommandFor(input: PgentraCommandInput): string[] {
  const paths = input.platform === 'win32' ? path.win32 : path.posix;
  if (input.isPackaged)
    return [paths.join(input.resourcesPath, 'cli', input.platform === 'win32' ? 'pgentra.exe' : 'pgentra')];
  const script = paths.join(input.root, 'bin', 'pgentra.cjs');
  // Without a Node.js, Electron is the only interpreter at hand; in development RunAsNode is on,
  // but pgAdmin would have to set ELECTRON_RUN_AS_NODE=1 itself, so token requests from pgAdmin fail.
  return [input.nodePath ?? input.execPath, script];
}
