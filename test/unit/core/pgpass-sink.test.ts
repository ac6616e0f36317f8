// The pgpass sink's background writes (issue 17, item 16): a write that fails because another
// program holds pgpass.conf for longer than the rename's own retries is tried again later, rather
// than at the next token refresh (up to an hour, while the file holds a token about to expire).
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../../electron/core/cluster-catalog.js';
import { PgpassSink } from '../../../electron/core/pgpass-sink.js';
import { settingsSchema } from '../../../electron/shared/settings.js';
import { FakeClock } from '../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../support/fakes/memory-fs.js';
import { savedCluster } from '../../support/fakes/saved-cluster.js';

const FILE = '/home/alice/AppData/Roaming/postgresql/pgpass.conf';

function setup() {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp('/home/alice', 0o700);
  const cluster: ClusterView = {
    ...savedCluster('prod'),
    loginUser: 'alice@contoso.com',
    resource: 'https://ossrdbms-aad.database.windows.net',
  };
  const settings = { ...settingsSchema.parse({ pgpass: { enabled: true, path: FILE } }), customClouds: [] };
  const log: string[] = [];
  const sink = new PgpassSink({
    fs,
    clock,
    env: {},
    homedir: '/home/alice',
    platform: 'win32',
    warn: (message) => log.push(message),
    settings: () => settings,
    clusters: () => [cluster],
    tokens: {
      hasToken: async () => true,
      token: async () => ({ token: 'token-from-entra' }),
    },
    signedInAccounts: async () => [],
  });
  return { clock, fs, sink, log };
}

describe('PgpassSink.syncSoon', () => {
  it('tries a failed background write again later instead of waiting for the next token', async () => {
    const { clock, fs, sink, log } = setup();
    // Held for longer than the rename's own few seconds of retries.
    fs.fail({ op: 'rename', code: 'EBUSY', path: /pgpass\.conf\.pgentra-/, times: 400 });
    sink.syncSoon((message) => log.push(message));
    await clock.advance(10_000);
    // The sink resolves the setting the Windows way; the in-memory disk stores that name as is.
    const file = sink.path();
    expect(fs.exists(file)).toBe(false);
    expect(log.join('\n')).toMatch(
      /pgpass: not updated: .*in use by another program.*; trying again in 15 s/,
    );
    fs.clearFaults();
    await clock.advance(20_000);
    expect(fs.peek(file)?.toString()).toContain('token-from-entra');
    expect(log.at(-1)).toBe(`pgpass: updated ${file} (1 clusters)`);
  });

  it('stop() (quitting) also cancels the retry', async () => {
    const { clock, fs, sink, log } = setup();
    fs.fail({ op: 'rename', code: 'EBUSY', path: /pgpass\.conf\.pgentra-/, times: Infinity });
    sink.syncSoon((message) => log.push(message));
    await clock.advance(10_000);
    sink.stop();
    expect(clock.pendingTimers).toBe(0);
    fs.clearFaults();
    await clock.advance(10 * 60_000);
    expect(fs.exists(sink.path())).toBe(false);
  });
});
