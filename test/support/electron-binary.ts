// Where the electron package keeps its binary, found without side effects. Since Electron 42 the
// package has no postinstall download: `require('electron')` downloads the binary on first use
// (a synchronous network fetch), so tests and the demo read node_modules/electron/path.txt
// themselves and only ever report a missing binary. `npx install-electron` fetches it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

export const INSTALL_ADVICE = 'run `npx install-electron` with internet access to get one';

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override)
    return { ok: false, reason: `no Electron binary was downloaded; ${INSTALL_ADVICE}` };
  const binary = override ? path.join(override, relative || 'electron') : path.join(dir, 'dist', relative);
  if (!existsSync(binary)) return { ok: false, reason: `no Electron binary at ${binary}; ${INSTALL_ADVICE}` };
  return { ok: true, path: binary };
}
