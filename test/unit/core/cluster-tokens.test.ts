// What the tray, the window and `status` show for a sign-in another pgentra process found gone:
// needs-sign-in with that process's message, while the cached token still counts down, until a
// token Entra issues afterwards proves the sign-in alive again.
import { describe, expect, it } from 'vitest';
import { SignInRecord } from '../../../electron/core/auth/sign-in-record.js';
import { resolveCloud } from '../../../electron/core/clouds.js';
import { ClusterTokens } from '../../../electron/core/cluster-tokens.js';
import type { AcquiredToken } from '../../../electron/core/engine/types.js';
import { FakeClock } from '../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../support/fakes/memory-fs.js';
import { savedCluster } from '../../support/fakes/saved-cluster.js';

const DIR = '/home/alice/.config/pgentra';
const RESOURCE = 'https://ossrdbms-aad.database.windows.net';
const alice = {
  id: 'alice-id',
  username: 'alice@contoso.com',
  tenantId: 'tenant',
  environment: 'login.microsoftonline.com',
};

describe('ClusterTokens with a sign-in found gone elsewhere', () => {
  it('shows needs-sign-in with the advice kind until a newer token arrives', async () => {
    const clock = new FakeClock();
    const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp(DIR, 0o700);
    const warn = () => undefined;
    const cached: AcquiredToken = {
      accessToken: 'cached',
      issuedAt: clock.now() - 10 * 60_000,
      expiresAt: clock.now() + 50 * 60_000,
    };
    let next = cached;
    const cluster = { ...savedCluster('prod'), loginUser: 'alice@contoso.com', resource: RESOURCE };
    const tokens = new ClusterTokens({
      source: { acquire: () => Promise.resolve(next) },
      clock,
      fs,
      configDir: DIR,
      warn,
      refreshMarginSec: 900,
      clusters: () => [cluster],
      cloud: (name) => resolveCloud(name ?? 'public'),
      accounts: { list: () => Promise.resolve([alice]), cached: () => [alice] },
    });

    // `pgentra token` in another process met AADSTS50173 a minute ago.
    const other = new SignInRecord({ fs, clock, configDir: DIR, warn });
    await other.ready();
    other.markGone('alice-id', {
      kind: 'needs-sign-in',
      message: 'Sign-in needed: AADSTS50173: revoked.',
      entraCode: 'AADSTS50173',
    });
    await other.settled();
    await clock.advance(60_000);

    await tokens.primeFromCache();
    const [row] = await tokens.status();
    expect(row).toMatchObject({
      name: 'prod',
      state: 'needs-sign-in',
      error: 'Sign-in needed: AADSTS50173: revoked.',
      entraCode: 'AADSTS50173',
      secondsLeft: 49 * 60,
    });
    expect(tokens.stateFor(cluster)).toMatchObject({
      status: 'needs-sign-in',
      lastError: { kind: 'needs-sign-in' },
      nextRefreshAt: undefined,
    });

    // Entra issues a token again (the refresh works): every face says fresh, and the file forgets.
    next = { accessToken: 'new', issuedAt: clock.now(), expiresAt: clock.now() + 60 * 60_000 };
    await tokens.refresh(cluster);
    expect((await tokens.status())[0]).toMatchObject({ state: 'fresh', error: null });
    await other.reload();
    expect(other.gone('alice-id')).toBeUndefined();
  });
});
