// The Processes port for tests: a fixed set of programs on PATH, and every run recorded and
// answered by the test (by default: exit 0, no output), so nothing is ever started.
import type { Processes, SpawnRequest, SpawnResult } from '../../../electron/core/ports.js';

export interface FakeProcesses extends Processes {
  /** Every request, in order. */
  readonly runs: SpawnRequest[];
}

/**
 * `onPath`: what `which` finds, as name → absolute path, or a list of absolute paths that find
 * themselves. `run` answers each request; what it leaves out is exit 0 with no output.
 */
export function fakeProcesses(
  platform: NodeJS.Platform,
  onPath: Readonly<Record<string, string>> | readonly string[] = {},
  run: (request: SpawnRequest) => Partial<SpawnResult> = () => ({}),
): FakeProcesses {
  const found: Readonly<Record<string, string>> = Array.isArray(onPath)
    ? Object.fromEntries(onPath.map((file) => [file, file]))
    : onPath;
  const runs: SpawnRequest[] = [];
  return {
    platform,
    runs,
    which: async (command) => (Object.hasOwn(found, command) ? (found[command] ?? null) : null),
    run: async (request) => {
      runs.push(request);
      return { exitCode: 0, signal: null, stdout: '', stderr: '', ...run(request) };
    },
  };
}
