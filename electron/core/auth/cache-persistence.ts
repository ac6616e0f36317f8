// The MSAL token cache, encrypted by the OS (macOS Keychain, Windows DPAPI, libsecret on Linux via
// Microsoft's @azure/msal-node-extensions) and shared by the tray and every CLI process. We keep
// their persistence backends but use our own plugin: their lock never recovers from a holder that
// crashed (it retries for 50 s, then fails), ours does.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { AuthError, authKindOf } from '../errors.js';

/** The subset of msal-node-extensions' IPersistence we use. */
export interface CachePersistence {
  save(contents: string): Promise<void>;
  load(): Promise<string | null>;
  delete(): Promise<boolean>;
  reloadNecessary(lastSync: number): Promise<boolean>;
}

export type CacheBackend = 'macos-keychain' | 'windows-dpapi' | 'linux-libsecret' | 'plaintext-file';

export interface OpenedCache {
  persistence: CachePersistence;
  backend: CacheBackend;
  /** Set when the cache is stored unencrypted: show it on every start. */
  warning?: string;
  cachePath: string;
}

export type AcquireLock = () => Promise<() => Promise<void>>;

export const CACHE_FILE = 'msal-cache.json';
const SERVICE = 'pgentra';
const ACCOUNT = 'msal-token-cache';

/**
 * One keychain item per config directory: a second profile (PGENTRA_HOME) or a test never reads
 * or overwrites another's sign-in.
 */
export function keychainAccountFor(configDir: string): string {
  return `${ACCOUNT}-${createHash('sha256').update(path.resolve(configDir)).digest('hex').slice(0, 12)}`;
}

function backendFor(platform: NodeJS.Platform): CacheBackend {
  if (platform === 'darwin') return 'macos-keychain';
  if (platform === 'win32') return 'windows-dpapi';
  return 'linux-libsecret';
}

function keychainAdvice(platform: NodeJS.Platform): string {
  if (platform === 'linux') {
    return (
      'pgentra keeps your sign-in in the Secret Service (GNOME Keyring, KWallet). None is reachable: ' +
      'install and unlock one (e.g. `apt install gnome-keyring libsecret-1-0`, then log in to a desktop session, ' +
      'or over SSH run pgentra inside `dbus-run-session` with `gnome-keyring-daemon --unlock`). ' +
      'As a last resort set "allowPlaintextCache": true under "settings" in config.json to keep it in a 0600 file instead.'
    );
  }
  if (platform === 'darwin')
    return 'pgentra keeps your sign-in in the macOS Keychain, which refused access. Unlock the login keychain and try again.';
  return 'pgentra keeps your sign-in encrypted with Windows DPAPI, which failed. Check that your user profile is loaded.';
}

/**
 * How long the OS keychain may take to answer. A locked keyring can sit behind a prompt nobody
 * sees (over SSH, in pgAdmin's PasswordExecCommand) and a wedged Secret Service never answers:
 * without a deadline the tray and every `pgentra token` would hang with it.
 */
export const KEYCHAIN_DEADLINE_MS = 15_000;
const HUNG = 'the OS keychain did not answer';

/** `work`, or a keychain failure once `deadlineMs` has passed without an answer. */
export function keychainDeadline<T>(what: string, deadlineMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuthError(
            'keychain',
            `${HUNG} within ${Math.round(deadlineMs / 1000)} s (${what}). It may be waiting for you to unlock it, or its service is stuck: unlock or restart it (on Linux e.g. \`gnome-keyring-daemon --replace --unlock\`), then try again.`,
          ),
        ),
      deadlineMs,
    );
    timer.unref?.();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** The same store, with every call held to the keychain deadline. */
export function withKeychainDeadline(persistence: CachePersistence, deadlineMs: number): CachePersistence {
  return {
    save: (contents) => keychainDeadline('saving your sign-in', deadlineMs, persistence.save(contents)),
    load: () => keychainDeadline('reading your saved sign-in', deadlineMs, persistence.load()),
    delete: () => keychainDeadline('deleting your saved sign-in', deadlineMs, persistence.delete()),
    reloadNecessary: (lastSync) =>
      keychainDeadline('checking your saved sign-in', deadlineMs, persistence.reloadNecessary(lastSync)),
  };
}

/**
 * Opens the OS-encrypted cache store. Without a keychain it refuses, unless the user opted in to
 * a plaintext file; the extensions library is loaded lazily because it pulls in native modules.
 */
export async function openCachePersistence(options: {
  configDir: string;
  allowPlaintext: boolean;
  platform?: NodeJS.Platform;
  /** How long the keychain may take to answer each call (tests shorten it). */
  deadlineMs?: number;
}): Promise<OpenedCache> {
  const platform = options.platform ?? process.platform;
  const cachePath = path.join(options.configDir, CACHE_FILE);
  const extensions = await import('@azure/msal-node-extensions');
  const deadlineMs = options.deadlineMs ?? KEYCHAIN_DEADLINE_MS;
  try {
    const persistence = await keychainDeadline(
      'opening it',
      deadlineMs,
      extensions.PersistenceCreator.createPersistence({
        cachePath,
        dataProtectionScope: extensions.DataProtectionScope.CurrentUser,
        serviceName: SERVICE,
        accountName: keychainAccountFor(options.configDir),
        usePlaintextFileOnLinux: false,
      }),
    );
    return {
      persistence: withKeychainDeadline(persistence, deadlineMs),
      backend: backendFor(platform),
      cachePath,
    };
  } catch (error) {
    // A keychain that hangs is not a missing one: say so rather than suggest a plaintext file.
    if (authKindOf(error) === 'keychain' && (error as Error).message.startsWith(HUNG)) throw error;
    if (!options.allowPlaintext) {
      throw new AuthError(
        'keychain',
        `${keychainAdvice(platform)} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
        {
          cause: error,
        },
      );
    }
    const persistence = await extensions.FilePersistence.create(cachePath);
    return {
      persistence,
      backend: 'plaintext-file',
      cachePath,
      warning: `Your Entra sign-in (refresh token) is stored UNENCRYPTED in ${cachePath} because "allowPlaintextCache" is on. Anyone who can read that file can sign in as you.`,
    };
  }
}

/**
 * MSAL calls before/after in pairs around every cache read or write. We hold a cross-process
 * lock for the whole pair so the tray and a CLI never interleave a read-modify-write, and reload
 * from the store only when another process changed it.
 */
export class SharedCachePlugin implements ICachePlugin {
  private lastSync = 0;
  private loaded = false;
  private snapshot = '{}';
  private release: (() => Promise<void>) | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly persistence: CachePersistence,
    private readonly acquireLock: AcquireLock,
    /** Told when the stored cache cannot be read and an empty one takes its place. */
    private readonly onDamaged: (message: string) => void = () => undefined,
  ) {}

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    // Concurrent MSAL calls in this process wait their turn before taking the file lock.
    let signalDone!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (signalDone = resolve));
    await previous;
    try {
      const release = await this.acquireLock();
      this.release = async () => {
        try {
          await release();
        } finally {
          signalDone();
        }
      };
    } catch (error) {
      signalDone();
      throw error;
    }
    try {
      if (!this.loaded || (await this.persistence.reloadNecessary(this.lastSync))) {
        const contents = await this.persistence.load();
        this.lastSync = Date.now();
        this.loaded = true;
        this.snapshot = contents || '{}';
      }
      try {
        context.tokenCache.deserialize(this.snapshot);
      } catch {
        // Unreadable (a truncated write, a hand edit): it holds no sign-in anyone can use, and
        // keeping it would fail every command, `pgentra login` included. Start empty; the next
        // save replaces it.
        this.snapshot = '{}';
        context.tokenCache.deserialize(this.snapshot);
        this.onDamaged(
          'The saved sign-in could not be read (the token cache is damaged) and was discarded: sign in again with `pgentra login`.',
        );
      }
    } catch (error) {
      await this.finish();
      throw error;
    }
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    try {
      if (context.cacheHasChanged) {
        this.snapshot = context.tokenCache.serialize();
        await this.persistence.save(this.snapshot);
        this.lastSync = Date.now();
      }
    } finally {
      await this.finish();
    }
  }

  private async finish(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    await release?.();
  }
}
