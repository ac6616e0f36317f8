// Opens the core for a command with the real OS ports.
import { resolveConfigDir } from '../core/config-dir.js';
import { findTlsRootsDir } from '../core/tls-roots.js';
import { systemClock, nodeFileSystem } from '../core/node-ports.js';
import { openBrowser } from './system-browser.js';
import { toCliError } from './exit-codes.js';
import type { Io } from './io.js';
import type { Pgentra } from '../core/pgentra.js';

export async function openCore(io: Io): Promise<Pgentra> {
  const { Pgentra } = await import('../core/pgentra.js');
  let core: Pgentra;
  try {
    core = await Pgentra.open({
      configDir: resolveConfigDir(io.env),
      env: io.env,
      fs: nodeFileSystem,
      clock: systemClock,
      browser: { open: openBrowser },
      warn: (message) => io.stderr(`pgentra: warning: ${message}\n`),
      tlsRootsDir: findTlsRootsDir(import.meta.dirname),
    });
  } catch (error) {
    throw toCliError(error);
  }
  // Every command says so, on stderr (stdout may be a token): the one message scripts cannot miss.
  for (const line of core.configProblemLines()) io.stderr(`pgentra: warning: ${line}\n`);
  return core;
}
