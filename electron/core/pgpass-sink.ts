// The pgpass sink: keeps pgentra's block in the user's libpq password file in step with the
// tokens, takes it out when asked, and follows the settings when the file is turned off or moved.
import type { SignedInAccount } from './auth/msal-session.js';
import type { ClusterView } from './cluster-catalog.js';
import type { Settings } from './config-store.js';
import { describeFailure, PgentraError, type Failure } from './errors.js';
import {
  cleanPgpass,
  parse,
  resolvePgpassPath,
  scanManagedBlocks,
  syncPgpass,
  type PgpassEntry,
} from './pgpass/index.js';
import type { Cancel, Clock, FileSystem } from './ports.js';
import { decodeClaims, timeLeftSec, tokenUser } from './tokens.js';

export interface PgpassReport {
  path: string;
  changed: boolean;
  written: number;
  /** Clusters left out of the file, each with what went wrong (the CLI's exit code comes from it). */
  problems: { cluster: string; message: string; failure: Failure }[];
}

/** What taking a file over as the pgpass file would do to it. */
export interface PgpassAdoption {
  /** Lines in it that pgentra did not write (blank lines not counted). */
  foreignLines: number;
  /** Whether pgentra's block is in it already (it was our pgpass file before). */
  hasBlock: boolean;
}

export interface PgpassSinkDeps {
  fs: FileSystem;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  homedir: string;
  platform: NodeJS.Platform;
  warn: (message: string) => void;
  settings: () => Settings;
  clusters: () => ClusterView[];
  tokens: {
    hasToken(cluster: ClusterView): Promise<boolean>;
    token(cluster: ClusterView, options: { userAction: boolean }): Promise<{ token: string }>;
  };
  signedInAccounts: () => Promise<readonly SignedInAccount[]>;
}

/** Tokens refreshed together (one account, several resources) become one write. */
const SYNC_DEBOUNCE_MS = 200;
/**
 * A background write that failed (pgpass.conf held open by another program past the rename's own
 * retries, a full disk) is tried again after this, doubling up to the cap, rather than at the
 * next token refresh, up to an hour later while the file holds an expiring token.
 */
const RETRY_FIRST_MS = 15_000;
const RETRY_MAX_MS = 5 * 60_000;

export class PgpassSink {
  private pending: Cancel | undefined;
  private retryMs = 0;
  /** Bumped by stop(): a write in flight then schedules no retry. */
  private generation = 0;

  constructor(private readonly deps: PgpassSinkDeps) {}

  path(): string {
    const { deps } = this;
    return resolvePgpassPath({
      setting: deps.settings().pgpass.path,
      env: deps.env,
      homedir: deps.homedir,
      platform: deps.platform,
    });
  }

  get enabled(): boolean {
    return this.deps.settings().pgpass.enabled;
  }

  async sync(options: { userAction: boolean; onlyCached?: boolean }): Promise<PgpassReport> {
    const file = this.path();
    const entries: PgpassEntry[] = [];
    const problems: PgpassReport['problems'] = [];
    for (const cluster of this.deps.clusters()) {
      try {
        if (options.onlyCached && !(await this.deps.tokens.hasToken(cluster))) continue;
        const { token } = await this.deps.tokens.token(cluster, { userAction: options.userAction });
        entries.push({
          host: cluster.host,
          port: String(cluster.port),
          database: null,
          user: cluster.loginUser,
          password: token,
        });
      } catch (error) {
        const failure = describeFailure(error);
        problems.push({ cluster: cluster.name, message: `${failure.message} ${failure.advice}`, failure });
      }
    }
    // A cluster this run has no token for (this process never fetched one, or Entra is down)
    // keeps the line another process wrote while its token is still valid: removing a cluster
    // from the CLI must not take the tray's tokens for the others out of the file. Only while
    // the token's account is signed in, though: signing out takes that account's tokens out.
    const target = (host: string, port: string | number | null, user: string) =>
      JSON.stringify([host, String(port), user]);
    const written = new Set(entries.map((e) => target(e.host, e.port, e.user)));
    const signedIn = await this.deps.signedInAccounts().catch((): SignedInAccount[] => []);
    const keepable = new Set(
      this.deps
        .clusters()
        .map((c) => target(c.host, c.port, c.loginUser))
        .filter((key) => !written.has(key)),
    );
    const now = this.deps.clock.now();
    const result = await syncPgpass({
      fs: this.deps.fs,
      path: file,
      entries,
      clock: this.deps.clock,
      platform: this.deps.platform,
      keepExisting: (entry) =>
        entry.database === null &&
        keepable.has(target(entry.host, entry.port, entry.user)) &&
        stillValid(entry.password, now) &&
        heldBySignedInAccount(entry.password, signedIn),
    });
    if (result.fixedMode)
      this.deps.warn(
        `${file} was readable by other users; pgentra set it to 0600 (libpq ignores a pgpass file with wider permissions).`,
      );
    return { path: file, changed: result.changed, written: entries.length, problems };
  }

  /**
   * After a change nobody waits for (a refresh, a sign-out): write soon, once, if pgpass is on.
   * A write that fails is tried again later (RETRY_FIRST_MS, doubling) until one succeeds.
   */
  syncSoon(log: (message: string) => void, delayMs = SYNC_DEBOUNCE_MS): void {
    if (!this.enabled) return;
    this.pending?.();
    const generation = this.generation;
    this.pending = this.deps.clock.setTimeout(() => {
      this.pending = undefined;
      this.sync({ userAction: false, onlyCached: true }).then(
        (report) => {
          this.retryMs = 0;
          if (report.changed) log(`pgpass: updated ${report.path} (${report.written} clusters)`);
        },
        (error: unknown) => {
          this.retryMs = Math.min(this.retryMs ? this.retryMs * 2 : RETRY_FIRST_MS, RETRY_MAX_MS);
          const again = generation === this.generation && this.pending === undefined;
          log(
            `pgpass: not updated: ${describeFailure(error).message}` +
              (again ? `; trying again in ${Math.round(this.retryMs / 1000)} s` : ''),
          );
          if (again) this.syncSoon(log, this.retryMs);
        },
      );
    }, delayMs);
  }

  /** Cancels a pending syncSoon and its retries (the app is quitting). */
  stop(): void {
    this.generation += 1;
    this.pending?.();
    this.pending = undefined;
  }

  async clean(): Promise<{ path: string; changed: boolean }> {
    const file = this.path();
    const result = await cleanPgpass({
      fs: this.deps.fs,
      path: file,
      clock: this.deps.clock,
      platform: this.deps.platform,
    });
    return { path: file, changed: result.changed };
  }

  /**
   * What adopting `file` as the pgpass file means. pgentra rewrites the file it adopts (mode 0600,
   * its block first), so a file of someone else's lines needs the person's yes first; only a
   * regular file (or none yet) can be one.
   */
  async inspect(file: string): Promise<PgpassAdoption> {
    const stat = await this.deps.fs.lstat(file);
    if (!stat) return { foreignLines: 0, hasBlock: false };
    // A symlink would have pgentra rewrite whatever it points to, which the person never chose.
    if (!stat.isFile || stat.isSymbolicLink)
      throw new PgentraError(
        'pgpass-file',
        `${file} is not a regular file, so it cannot be the pgpass file`,
        {
          file,
        },
      );
    const document = parse(await this.deps.fs.readFile(file));
    let scan;
    try {
      scan = scanManagedBlocks(document);
    } catch {
      // Markers that do not pair up: our lines cannot be told apart, so none count as ours.
      scan = { foreign: document.lines, blocks: [] };
    }
    return {
      foreignLines: scan.foreign.filter((line) => line.text.trim() !== '').length,
      hasBlock: scan.blocks.length > 0,
    };
  }

  /** Where the file is and whether it is on, to compare with after a settings change. */
  placement(): { enabled: boolean; path: string } {
    return { enabled: this.enabled, path: this.path() };
  }

  /**
   * Turning pgpass off or moving it takes our block out of the old file (tokens must not linger
   * where nobody refreshes them); turning it on or moving it writes the tokens at once rather than
   * at the next refresh, up to an hour later.
   */
  async followSettings(before: { enabled: boolean; path: string }): Promise<void> {
    const after = this.placement();
    const moved = after.path !== before.path;
    if (before.enabled && (!after.enabled || moved)) {
      await cleanPgpass({
        fs: this.deps.fs,
        path: before.path,
        clock: this.deps.clock,
        platform: this.deps.platform,
      }).catch((error: unknown) =>
        this.deps.warn(
          `pgpass: could not remove pgentra's lines from ${before.path}: ${describeFailure(error).message}`,
        ),
      );
    }
    if (after.enabled && (!before.enabled || moved)) await this.sync({ userAction: false, onlyCached: true });
  }
}

/**
 * Whether a token belongs to one of these accounts: its oid.tid is the account's home ID, or it
 * names the account's user. (A guest token from another tenant matches neither and is dropped;
 * the process that holds it writes it back at its next refresh.)
 */
function heldBySignedInAccount(token: string, accounts: readonly SignedInAccount[]): boolean {
  let claims;
  try {
    claims = decodeClaims(token);
  } catch {
    return false;
  }
  const user = tokenUser(claims)?.toLowerCase();
  const home = `${claims.oid}.${claims.tid}`.toLowerCase();
  return accounts.some((a) => a.id.toLowerCase() === home || a.username.toLowerCase() === user);
}

function stillValid(token: string, nowMs: number): boolean {
  try {
    return timeLeftSec(token, nowMs) > 0;
  } catch {
    return false;
  }
}
