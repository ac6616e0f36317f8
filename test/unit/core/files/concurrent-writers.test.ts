// Concurrent writers of one pgpass file (security.md, robustness test 18): separate processes,
// each updating its own entry through the real lock on the real file system, while the user's own
// lines sit below our block. Every writer reads the file back after every write; at the end every
// writer's last entry is there, the user's lines are byte-identical and the file is 0600.
// `npm test` runs 8 writers x 25 updates; `npm run sweep` runs 8 x 200.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupPassword } from '../../../../electron/core/pgpass/index.js';

const exec = promisify(execFile);
const FULL = process.env.PGENTRA_SWEEP === 'full';
const WRITERS = 8;
const UPDATES = FULL ? 200 : 25;
const root = path.resolve(import.meta.dirname, '../../../..');
const USER_LINES = '# my own\r\nlocalhost:5432:*:postgres:local-pw\r\n*:*:*:*:wildcard';

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pgentra-writers-'));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe(`${WRITERS} processes x ${UPDATES} updates of one pgpass file`, () => {
  it('lose no update, never show an older entry, and keep the user lines', async () => {
    const file = path.join(dir, 'pgpass');
    await fsp.writeFile(file, USER_LINES, { mode: 0o600 });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, writer) =>
        exec(
          path.join(root, 'node_modules/.bin/tsx'),
          [
            path.join(root, 'test/support/testbed/pgpass-writer.ts'),
            file,
            String(writer),
            String(UPDATES),
            String(WRITERS),
          ],
          { cwd: root, timeout: 300_000 },
        ),
      ),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`concurrent writers: ${WRITERS} x ${UPDATES} updates in ${seconds} s`);
    for (const { stdout } of results) expect(JSON.parse(stdout.trim())).toMatchObject({ problems: [] });
    const bytes = await fsp.readFile(file);
    for (let writer = 0; writer < WRITERS; writer += 1)
      expect(
        lookupPassword(bytes, {
          host: 'db.example',
          port: 5432,
          database: 'appdb',
          user: `writer-${writer}@contoso.com`,
        }),
      ).toBe(`pw-${writer}-${UPDATES - 1}`);
    expect(bytes.subarray(bytes.length - USER_LINES.length).toString()).toBe(USER_LINES);
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fsp.readdir(dir)).sort()).toEqual(['pgpass']);
  }, 600_000);
});
