// Opens the core for a command with the real OS ports.
import { resolveConfigDir } from '../core/config-dir.js';
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
    });
  } catch (error) {
    throw toCliError(error);
  }
  // Every command says so, on stderr (stdout may be a token): the one message scripts cannot miss.
  for (const line of configProblemLines(core)) io.stderr(`pgentra: warning: ${line}\n`);
  return core;
}

/** One line per entry of config.json set aside as invalid, with the field and the fix. */
export function configProblemLines(core: Pick<Pgentra, 'configProblems' | 'configFile'>): string[] {
  return core.configProblems().map((problem) => {
    const what =
      problem.clusterName === undefined
        ? problem.entry
        : `cluster "${problem.clusterName}" (${problem.entry})`;
    const fix =
      problem.clusterName === undefined
        ? `fix it in ${core.configFile()}; until then pgentra uses the default`
        : `fix it in ${core.configFile()}, or remove it with \`pgentra cluster remove ${problem.clusterName}\``;
    return `${what} is invalid and ignored: ${problem.field}: ${problem.message}. ${fix[0]?.toUpperCase()}${fix.slice(1)}.`;
  });
}
