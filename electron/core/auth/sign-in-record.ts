// Which accounts a pgentra process found signed out by Entra (refresh token revoked or expired,
// MFA or consent wanted again), kept in `sign-in-state.json` beside config.json. MSAL keeps a
// revoked refresh token in the shared cache, so a process that did not meet the refusal itself
// (`pgentra status` without an agent, a tray started later) would otherwise call the cached token
// "fresh". No secrets: account ID, since when, the failure's kind, message and Entra code.
import path from 'node:path';
import { z } from 'zod';
import type { TokenProblem } from '../engine/types.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { withFileLock } from '../files/lock.js';
import type { Clock, FileSystem } from '../ports.js';

export const SIGN_IN_RECORD_FILE = 'sign-in-state.json';

const goneSchema = z.object({
  /** Epoch ms (this computer's clock) when a process first found the sign-in gone. */
  since: z.number().int().nonnegative(),
  kind: z.enum(['needs-sign-in', 'interaction-required']),
  message: z.string().max(2000),
  entraCode: z.string().max(100).nullable(),
});
const recordSchema = z.object({
  version: z.literal(1),
  accounts: z.record(z.string().min(1).max(500), goneSchema),
});

export type SignInGone = z.infer<typeof goneSchema>;
type Accounts = Record<string, SignInGone>;

export interface SignInRecordDeps {
  fs: FileSystem;
  clock: Clock;
  configDir: string;
  warn: (message: string) => void;
}

export class SignInRecord {
  private readonly file: string;
  private accounts: Accounts = {};
  private loaded: Promise<void> | undefined;
  /** The tray and the agent read the file every 15 s: say what is wrong with it once. */
  private warned: string | undefined;
  /** Writes run one after another; callers that must not exit before they land await `settled()`. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SignInRecordDeps) {
    this.file = path.join(deps.configDir, SIGN_IN_RECORD_FILE);
  }

  /** The account's recorded loss, as last read (load first with `ready()`). */
  gone(accountId: string): SignInGone | undefined {
    return Object.hasOwn(this.accounts, accountId) ? this.accounts[accountId] : undefined;
  }

  /** Reads the file once per process; `reload()` reads it again. */
  ready(): Promise<void> {
    this.loaded ??= this.reload().then(() => undefined);
    return this.loaded;
  }

  /** Reads the file again (another process may have written it); true when what it says changed. */
  async reload(): Promise<boolean> {
    const before = JSON.stringify(this.accounts);
    this.accounts = await this.read();
    return JSON.stringify(this.accounts) !== before;
  }

  /** Records that Entra refused this account's sign-in (keeps the first time it was found). */
  markGone(accountId: string, problem: TokenProblem): void {
    if (problem.kind !== 'needs-sign-in' && problem.kind !== 'interaction-required') return;
    const kind = problem.kind;
    this.change((accounts) => {
      if (Object.hasOwn(accounts, accountId)) return undefined;
      const entry: SignInGone = {
        since: this.deps.clock.now(),
        kind,
        message: problem.message.slice(0, 2000),
        entraCode: problem.entraCode?.slice(0, 100) ?? null,
      };
      return { ...accounts, [accountId]: entry };
    });
  }

  /**
   * The sign-in works again (a person signed in, or Entra issued a token after the loss was
   * found), or the account signed out: forget the loss. `issuedAt` clears only a loss older than it.
   */
  clear(accountId: string, issuedAt?: number): void {
    const stale = (accounts: Accounts) => {
      const entry = Object.hasOwn(accounts, accountId) ? accounts[accountId] : undefined;
      return entry !== undefined && (issuedAt === undefined || issuedAt > entry.since);
    };
    // Nothing recorded for the account: no write, no lock (the everyday path).
    if (!stale(this.accounts)) return;
    this.change((accounts) => {
      if (!stale(accounts)) return undefined;
      const rest = { ...accounts };
      delete rest[accountId];
      return rest;
    });
  }

  /** Resolves once every change asked for so far is on disk (or was given up with a warning). */
  settled(): Promise<void> {
    return this.queue;
  }

  private change(update: (accounts: Accounts) => Accounts | undefined): void {
    const { fs, clock, warn } = this.deps;
    this.queue = this.queue.then(async () => {
      try {
        await fs.mkdir(this.deps.configDir, 0o700);
        // Other pgentra processes change the same file: read, change and write under one lock.
        await withFileLock(
          fs,
          `${this.file}.lock`,
          async () => {
            const next = update(await this.read());
            if (!next) return;
            const text = JSON.stringify({ version: 1, accounts: next }, null, 2) + '\n';
            await writeFileAtomic(fs, this.file, Buffer.from(text, 'utf8'), { mode: 0o600 });
            this.accounts = next;
          },
          { clock, timeoutMs: 5_000, staleMs: 30_000 },
        );
      } catch (error) {
        // The record only sharpens what status shows; tokens work without it.
        warn(`could not update ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** The file's accounts; a missing file is none, a damaged one is ignored with a warning. */
  private async read(): Promise<Accounts> {
    let text: string;
    try {
      text = (await this.deps.fs.readFile(this.file)).toString('utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      return this.ignore(error instanceof Error ? error.message : String(error));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success)
      return this.ignore(
        'it is not a record pgentra wrote (damaged?); pgentra replaces it the next time a sign-in is found gone, or remove it',
      );
    this.warned = undefined;
    return parsed.data.accounts;
  }

  private ignore(reason: string): Accounts {
    const warning = `ignoring ${this.file}: ${reason}`;
    if (warning !== this.warned) this.deps.warn(warning);
    this.warned = warning;
    return {};
  }
}
