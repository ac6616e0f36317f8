// One of the concurrent writers of test/unit/core/files/concurrent-writers.test.ts, as its own
// process (so the lock is contended across processes, pids and all): it writes its own entry
// COUNT times through syncPgpass, keeping the other writers' entries, and after every write reads
// the file as libpq would (lookupPassword, checked against real libpq in pgpass-libpq.test.ts):
// its latest password must be there, and no other writer's may ever go back to an older one.
// Prints one JSON line: { writer, problems }.
import { promises as fsp } from 'node:fs';
import { nodeFileSystem, systemClock } from '../../../electron/core/node-ports.js';
import { lookupPassword, syncPgpass } from '../../../electron/core/pgpass/index.js';

const [file = '', writerArg = '0', countArg = '0', writersArg = '0'] = process.argv.slice(2);
const writer = Number(writerArg);
const count = Number(countArg);
const writers = Number(writersArg);
const user = (w: number) => `writer-${w}@contoso.com`;
const target = (w: number) => ({ host: 'db.example', port: 5432, database: 'appdb', user: user(w) });
const generation = (password: string | null) => (password === null ? -1 : Number(password.split('-')[2]));

const problems: string[] = [];
const seen = new Array<number>(writers).fill(-1);
for (let i = 0; i < count; i += 1) {
  await syncPgpass({
    fs: nodeFileSystem,
    path: file,
    lock: { clock: systemClock, timeoutMs: 60_000 },
    entries: [
      { host: 'db.example', port: 5432, database: null, user: user(writer), password: `pw-${writer}-${i}` },
    ],
    keepExisting: (entry) => entry.user !== user(writer),
  });
  const bytes = await fsp.readFile(file);
  for (let w = 0; w < writers; w += 1) {
    const found = generation(lookupPassword(bytes, target(w)));
    if (w === writer && found !== i) problems.push(`after write ${i}: own entry reads ${found}`);
    if (found < seen[w]!)
      problems.push(`after write ${i}: writer ${w} went back from ${seen[w]} to ${found}`);
    seen[w] = Math.max(seen[w]!, found);
  }
}
process.stdout.write(`${JSON.stringify({ writer, problems })}\n`);
