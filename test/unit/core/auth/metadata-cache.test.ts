import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import {
  isPublicMetadataUrl,
  METADATA_FRESH_MS,
  METADATA_STALE_LIMIT_MS,
  withMetadataCache,
} from '../../../../electron/core/auth/metadata-cache.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const OPENID =
  'https://login.microsoftonline.com/7f0c1a4e-0b5d-4c1e-9a57-3f6c2d1b8e90/v2.0/.well-known/openid-configuration';
const INSTANCE =
  'https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=x';
const TOKEN = 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token';
const FILE = '/home/ada/.config/pgentra/entra-metadata.json';

/** A network client that answers every GET with a fresh document, or fails while `offline`. */
function entra() {
  const gets: string[] = [];
  const state = { offline: false, status: 200 };
  const client: INetworkModule & { hint(): string } = {
    sendGetRequestAsync: <T>(url: string): Promise<NetworkResponse<T>> => {
      gets.push(url);
      if (state.offline)
        return Promise.reject(new Error('cannot reach login.microsoftonline.com: ENOTFOUND'));
      return Promise.resolve({
        headers: {},
        status: state.status,
        body: { issuer: url, n: gets.length } as T,
      });
    },
    sendPostRequestAsync: <T>(): Promise<NetworkResponse<T>> =>
      Promise.resolve({ headers: {}, status: 200, body: { posted: true } as T }),
    hint: () => 'kept',
  };
  return { client, gets, state };
}

function setUp() {
  const clock = new FakeClock();
  // The config directory exists: pgentra made it before any sign-in.
  const fs = new MemoryFileSystem({ now: () => clock.now() }).put(
    '/home/ada/.config/pgentra/config.json',
    '{}',
  );
  const network = entra();
  const open = () => withMetadataCache(network.client, { fs, clock, file: FILE });
  return { clock, fs, network, open };
}

describe('isPublicMetadataUrl', () => {
  it.each([
    [OPENID, true],
    [INSTANCE, true],
    ['https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration', true],
    [TOKEN, false],
    ['http://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration', false],
    ['https://user:pw@login.microsoftonline.com/t/v2.0/.well-known/openid-configuration', false],
    ['https://login.microsoftonline.com/a/b/v2.0/.well-known/openid-configuration', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isPublicMetadataUrl(url)).toBe(expected);
  });
});

describe('withMetadataCache', () => {
  it('answers a later process from the file, for a day, without asking Entra', async () => {
    const { clock, fs, network, open } = setUp();
    const first = await open().sendGetRequestAsync(OPENID);
    expect(network.gets).toEqual([OPENID]);
    expect(fs.modeOf(FILE)).toBe(0o600);
    await clock.advance(METADATA_FRESH_MS - 1);
    const later = await open().sendGetRequestAsync(OPENID);
    expect(later).toEqual({ headers: {}, status: 200, body: first.body });
    expect(network.gets).toEqual([OPENID]);
    await clock.advance(1);
    await open().sendGetRequestAsync(OPENID);
    expect(network.gets).toEqual([OPENID, OPENID]);
  });

  it('uses an older document only while Entra cannot be reached, and never one past the limit', async () => {
    const { clock, network, open } = setUp();
    const first = await open().sendGetRequestAsync(OPENID);
    await clock.advance(METADATA_FRESH_MS * 3);
    network.state.offline = true;
    await expect(open().sendGetRequestAsync(OPENID)).resolves.toMatchObject({ body: first.body });
    await clock.advance(METADATA_STALE_LIMIT_MS);
    await expect(open().sendGetRequestAsync(OPENID)).rejects.toThrow(/ENOTFOUND/);
  });

  it('keeps no error answer, and passes every other request and property through', async () => {
    const { fs, network, open } = setUp();
    network.state.status = 500;
    const client = open();
    await client.sendGetRequestAsync(OPENID);
    expect(fs.exists(FILE)).toBe(false);
    await client.sendGetRequestAsync(TOKEN);
    await client.sendGetRequestAsync(TOKEN);
    expect(network.gets).toEqual([OPENID, TOKEN, TOKEN]);
    await expect(client.sendPostRequestAsync(TOKEN)).resolves.toMatchObject({ body: { posted: true } });
    expect(client.hint()).toBe('kept');
  });

  it('ignores a damaged or foreign file and replaces it', async () => {
    const { fs, network, open } = setUp();
    for (const junk of [
      '{not json',
      '{"version":2,"documents":{}}',
      `{"version":1,"documents":{"${OPENID}":{"body":"x"}}}`,
    ]) {
      fs.put(FILE, junk);
      await open().sendGetRequestAsync(OPENID);
    }
    expect(network.gets).toEqual([OPENID, OPENID, OPENID]);
    expect(JSON.parse(fs.peek(FILE)?.toString() ?? '')).toMatchObject({ version: 1 });
  });
});
