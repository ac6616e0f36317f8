// A keychain that never answers (locked behind a prompt nobody sees, a wedged Secret Service) must
// not hang the tray or `pgentra token`: each call fails after the deadline with a message saying
// so, the cross-process lock is given back, and the next call works once the keychain answers.
import type { TokenCacheContext } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import {
  SharedCachePlugin,
  withKeychainDeadline,
  type CachePersistence,
} from '../../../../electron/core/auth/cache-persistence.js';
import { describeFailure } from '../../../../electron/core/errors.js';

const never = <T>() => new Promise<T>(() => undefined);

/** A keychain-backed store that hangs on every call until `wake()`. */
function hangingStore() {
  let hanging = true;
  let saved = '{}';
  const store: CachePersistence = {
    load: () => (hanging ? never() : Promise.resolve(saved)),
    save: (contents) => (hanging ? never() : Promise.resolve(void (saved = contents))),
    delete: () => (hanging ? never() : Promise.resolve(true)),
    reloadNecessary: () => (hanging ? never() : Promise.resolve(true)),
  };
  return { store, wake: () => (hanging = false) };
}

const context = (changed = false) =>
  ({
    cacheHasChanged: changed,
    tokenCache: { deserialize: () => undefined, serialize: () => '{"changed":true}' },
  }) as unknown as TokenCacheContext;

describe('a keychain that hangs', () => {
  it('fails each call after the deadline with what to do, and gives the lock back', async () => {
    const { store, wake } = hangingStore();
    let held = 0;
    const plugin = new SharedCachePlugin(withKeychainDeadline(store, 1_000), async () => {
      held += 1;
      return async () => void (held -= 1);
    });

    const error: unknown = await plugin.beforeCacheAccess(context()).catch((e: unknown) => e);
    const failure = describeFailure(error);
    expect(failure.code).toBe('keychain');
    expect(failure.message).toMatch(
      /^the OS keychain did not answer within 1 s \(reading your saved sign-in\)/,
    );
    expect(failure.message).toContain('unlock or restart it');
    expect(held).toBe(0);

    wake();
    await plugin.beforeCacheAccess(context());
    await plugin.afterCacheAccess(context(true));
    expect(held).toBe(0);
    expect(await store.load()).toBe('{"changed":true}');
  });

  it('a save that never finishes fails too, and still releases the lock', async () => {
    const { store, wake } = hangingStore();
    wake();
    const slow = { ...store, save: () => never<void>() };
    let held = 0;
    const plugin = new SharedCachePlugin(withKeychainDeadline(slow, 1_000), async () => {
      held += 1;
      return async () => void (held -= 1);
    });
    await plugin.beforeCacheAccess(context());
    await expect(plugin.afterCacheAccess(context(true))).rejects.toThrow(
      /did not answer within 1 s \(saving your sign-in\)/,
    );
    expect(held).toBe(0);
  });
});
