// The ARM token comes from the existing sign-in; when Entra refuses it for consent, the user is
// told what to ask an administrator for (and that database tokens are not affected).
import { describe, expect, it } from 'vitest';
import { Azure } from '../../../../electron/core/azure/azure.js';
import { BUILT_IN_CLOUDS, type Cloud } from '../../../../electron/core/clouds.js';
import { AuthError, describeFailure } from '../../../../electron/core/errors.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const publicCloud = BUILT_IN_CLOUDS[0] as Cloud;
const alice = {
  id: 'a.t',
  username: 'alice@contoso.com',
  tenantId: 't',
  environment: 'login.microsoftonline.com',
};

function azure(acquire: () => Promise<never>, accounts = [alice]) {
  const asked: string[] = [];
  return {
    asked,
    azure: new Azure({
      clock: new FakeClock(),
      fs: new MemoryFileSystem(),
      cloud: () => publicCloud,
      accounts: async () => accounts,
      tokenSource: {
        acquire: (request) => {
          asked.push(request.tenant ? `${request.resource} from ${request.tenant}` : request.resource);
          return acquire();
        },
      },
      https: () => ({ request: async () => ({ status: 500, headers: {}, body: '' }) }),
      settings: () => ({ clientId: 'app-id' }),
      tokens: { identity: async () => Promise.reject(new Error('not used')) },
    }),
  };
}

describe('Azure and the sign-in', () => {
  it('asks the same account for a management token, and explains missing consent', async () => {
    const { azure: az, asked } = azure(() =>
      Promise.reject(
        new AuthError('interaction-required', 'AADSTS65001: The user or administrator has not consented', {
          entraCode: 'AADSTS65001',
        }),
      ),
    );
    const failure = describeFailure(await az.discover({}).catch((e: unknown) => e));
    expect(asked).toEqual(['https://management.azure.com']);
    expect(failure.code).toBe('azure-consent');
    expect(failure.message).toContain('client ID app-id');
    expect(failure.message).toContain('user_impersonation of Azure Service Management');
    expect(failure.message).toContain('tokens for your databases are not affected');
    expect(failure.details.entraCode).toBe('AADSTS65001');
  });

  it("a guest asks the other organisation's tenant for the management token", async () => {
    const { azure: az, asked } = azure(() => Promise.reject(new AuthError('needs-sign-in', 'sign in again')));
    await az.discover({ tenant: 'fabrikam.com' }).catch(() => undefined);
    expect(asked).toEqual(['https://management.azure.com from fabrikam.com']);
  });

  it('a sign-in that is gone stays a sign-in problem', async () => {
    const { azure: az } = azure(() => Promise.reject(new AuthError('needs-sign-in', 'sign in again')));
    expect(describeFailure(await az.discover({}).catch((e: unknown) => e)).code).toBe('needs-sign-in');
  });

  it('nobody signed in to the cloud: says so before any request', async () => {
    const { azure: az, asked } = azure(() => Promise.reject(new Error('never')), []);
    expect(describeFailure(await az.discover({}).catch((e: unknown) => e)).message).toBe(
      'No account is signed in to the public cloud.',
    );
    expect(asked).toEqual([]);
  });
});
