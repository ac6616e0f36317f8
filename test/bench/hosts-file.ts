// Points a few host names at the loopback in /etc/hosts for the length of a benchmark, so a client
// that hard-codes Microsoft's hosts (Azure CLI) talks to the testbed's fakes. The file is the whole
// machine's: the original bytes are written back on every way out this process controls (the
// returned restore(), process exit, SIGINT/SIGTERM/SIGHUP), and lines a killed run left behind
// carry a marker so the next run removes them before it starts.
import { constants, promises as fs, readFileSync, writeFileSync } from 'node:fs';

export const HOSTS_FILE = '/etc/hosts';
const MARKER = '# pgentra bench: temporary, removed when the bench ends';

export interface HostsOverride {
  /** Writes the file back as it was; safe to call more than once. */
  restore(): void;
}

/** Why this process cannot edit the hosts file, or undefined when it can. */
export async function whyHostsFileIsNotWritable(
  hostsFile = HOSTS_FILE,
  uid = process.getuid?.(),
): Promise<string | undefined> {
  if (uid !== undefined && uid !== 0) return `editing ${hostsFile} needs root (running as uid ${uid})`;
  try {
    await fs.access(hostsFile, constants.R_OK | constants.W_OK);
  } catch (error) {
    return `${hostsFile} is not writable: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** The file's text without the lines an earlier run of this bench added. */
export function withoutBenchLines(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !line.includes(MARKER))
    .join('');
}

/** Host name → the loopback address it should resolve to. */
export type HostAddresses = Readonly<Record<string, string>>;

export function benchLines(addresses: HostAddresses): string {
  return Object.entries(addresses)
    .map(([name, address]) => `${address} ${name} ${MARKER}\n`)
    .join('');
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Adds an `address name` line for each name. Restoring is synchronous so that it also runs from the
 * 'exit' event; a signal restores, then exits with the conventional 128 + signal number.
 */
export function pointHostsAt(addresses: HostAddresses, hostsFile = HOSTS_FILE): HostsOverride {
  const original = withoutBenchLines(readFileSync(hostsFile, 'utf8'));
  const separator = original === '' || original.endsWith('\n') ? '' : '\n';
  let restored = false;
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.kill(process.pid, signal);
  };
  const restore = () => {
    if (restored) return;
    restored = true;
    // In place, not by rename: /etc/hosts is often a bind mount (containers) that a rename would fail on.
    writeFileSync(hostsFile, original);
    process.off('exit', restore);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', restore);
  // once: after restoring, the re-sent signal meets Node's default handling and ends the process.
  for (const signal of SIGNALS) process.once(signal, onSignal);
  try {
    writeFileSync(hostsFile, `${original}${separator}${benchLines(addresses)}`);
  } catch (error) {
    restore();
    throw error;
  }
  return { restore };
}
