// The long robustness sweeps at full size (npm test runs a fixed sample of each): every crash
// point of the pgpass, pg_service.conf and config.json writes, and 8 processes x 200 pgpass
// updates. Prints the figures docs/benchmarks.md records.
import { spawnSync } from 'node:child_process';

const result = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    'test/unit/core/files/crash-sweep.test.ts',
    'test/unit/core/files/concurrent-writers.test.ts',
  ],
  { stdio: 'inherit', env: { ...process.env, PGENTRA_SWEEP: 'full' }, shell: process.platform === 'win32' },
);
process.exit(result.status ?? 1);
