// Whole-process timings for the bench: commands run one after another, interleaved, so background
// noise hits every command alike, and the median of each is reported. The fakes (Entra ID, ARM)
// answer from this process, so every wait here is asynchronous.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const RUNS = Number(process.env.BENCH_RUNS ?? 30);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export interface TimedCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Cumulative requests the fakes have seen, by endpoint. */
export type RequestCounts = () => Record<string, number>;

export interface ProcessTiming {
  medianMs: number;
  /** Requests that reached the fakes during this command's timed runs, per run, by endpoint. */
  requestsPerRun: Record<string, number>;
}

function timeProcess({ command, args, env }: TimedCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`));
    });
  });
}

function subtract(
  after: Record<string, number>,
  before: Record<string, number>,
  into: Record<string, number>,
) {
  for (const [endpoint, count] of Object.entries(after)) {
    const added = count - (before[endpoint] ?? 0);
    if (added > 0) into[endpoint] = (into[endpoint] ?? 0) + added;
  }
}

/** One untimed warm-up run each, then RUNS interleaved timed runs; medians in ms. */
export async function compareProcesses(
  commands: TimedCommand[],
  countRequests: RequestCounts = () => ({}),
): Promise<ProcessTiming[]> {
  const times: number[][] = commands.map(() => []);
  const requests: Record<string, number>[] = commands.map(() => ({}));
  for (const command of commands) await timeProcess(command);
  for (let i = 0; i < RUNS; i += 1)
    for (const [index, command] of commands.entries()) {
      const before = countRequests();
      times[index]?.push(await timeProcess(command));
      subtract(countRequests(), before, requests[index] ?? {});
    }
  return commands.map((_, index) => ({
    medianMs: median(times[index] ?? []),
    requestsPerRun: Object.fromEntries(
      Object.entries(requests[index] ?? {}).map(([endpoint, count]) => [endpoint, count / RUNS]),
    ),
  }));
}

/** Cumulative counts of a fake's request log, by one field. */
export function countBy<T>(records: readonly T[], key: (record: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) counts[key(record)] = (counts[key(record)] ?? 0) + 1;
  return counts;
}

/** `none`, or `1 discovery, 1 token` per run. */
export function describeRequests(perRun: Record<string, number>): string {
  const entries = Object.entries(perRun).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return 'no requests';
  return entries.map(([endpoint, count]) => `${Number(count.toFixed(2))} ${endpoint}`).join(', ');
}
