// Everything the operating system gives the core comes through these small interfaces, so tests
// can drive time, inject faults and observe effects without Electron. The Node implementations
// live in ./node-ports.ts; Electron-specific ones (clipboard, notifications) live in main/adapters.

export type Cancel = () => void;

export interface Clock {
  /** Wall-clock epoch milliseconds (what token `exp` is compared with). */
  now(): number;
  /** Monotonic milliseconds; never jumps. Comparing it with `now()` reveals sleep and clock changes. */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): Cancel;
}

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
  mode: number;
  size: number;
  mtimeMs: number;
  /** Hard links to the inode: more than one means another name keeps the old contents. */
  links: number;
  /** Owned by the user pgentra runs as (always true where there are no POSIX owners). */
  ownedByMe: boolean;
}

/**
 * The file operations pgentra needs, at the granularity where faults happen (a full disk fails
 * `write`, a read-only directory fails `open`, a crash lands between `write` and `rename`).
 */
export interface FileSystem {
  readFile(path: string): Promise<Buffer>;
  /** `lstat`: never follows a symlink. Resolves `null` when the path does not exist. */
  lstat(path: string): Promise<FileStat | null>;
  /** Creates the file exclusively (`wx`) with `mode`, writes all of `data`, fsyncs and closes it. */
  writeNewFile(path: string, data: Buffer, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** fsync a directory so a rename inside it survives power loss (no-op where unsupported). */
  syncDirectory(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

export interface SecretStore {
  readonly backend: string;
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
}

export interface SpawnRequest {
  command: string;
  args: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Detached processes outlive pgentra (a terminal window running psql). */
  detached?: boolean;
  stdio?: 'inherit' | 'ignore' | 'pipe';
  input?: string;
  /**
   * Windows: pass `args` to CreateProcess as they are, joined by spaces, instead of quoting them
   * by the C runtime's rules (which cmd.exe does not follow). Ignored elsewhere.
   */
  windowsVerbatimArguments?: boolean;
}

export interface SpawnResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface Processes {
  /** Runs to completion (or detaches) and reports how it ended. */
  run(request: SpawnRequest): Promise<SpawnResult>;
  /** Absolute path of an executable on PATH, or null. */
  which(command: string): Promise<string | null>;
  readonly platform: NodeJS.Platform;
}

/** Asynchronous like Electron's clipboard (44+) and navigator.clipboard. */
export interface Clipboard {
  readText(): Promise<string>;
  /** `secret` asks the OS to keep the text out of clipboard history and cloud sync where it can. */
  writeText(text: string, options?: { secret?: boolean }): Promise<void>;
  clear(): Promise<void>;
}

export interface Notifier {
  notify(notice: { title: string; body: string; action?: { label: string; id: string } }): void;
}

/**
 * An HTTP client in the shape of the WHATWG `fetch`: Electron's `net.fetch` in the tray app (the
 * system proxy, PAC and WPAD, the OS's trusted roots), Node's `fetch` in tests.
 */
export type FetchPort = (url: string, init: RequestInit) => Promise<Response>;

export interface Browser {
  /** Opens a URL in the user's default browser. */
  open(url: string): Promise<void>;
}

/**
 * The OS's file picker, shown by the main process: the one way a path chosen in the window becomes
 * a setting (the window never sends one). Each resolves the chosen path, or null when cancelled.
 */
export interface FileDialog {
  /** An existing file (a program to run). */
  openFile(options: { title: string; defaultPath?: string }): Promise<string | null>;
  /** A file that may not exist yet (the pgpass file). */
  saveFile(options: { title: string; defaultPath?: string }): Promise<string | null>;
}

export interface HttpsRequest {
  method: 'GET' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpsResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * HTTPS requests to Azure Resource Manager and a public-IP service. Rejects only when no answer
 * came (network, TLS, deadline); any HTTP status resolves.
 */
export interface HttpsFetch {
  request(request: HttpsRequest): Promise<HttpsResponse>;
}
