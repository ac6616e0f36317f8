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
  try {
    return await Pgentra.open({
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
}
