// What a command may touch of its process: streams and environment. Tests pass their own.
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal (colour, progress, prompts are only for people). */
  interactive: boolean;
  /** `--verbose`: failures also show their details (Entra codes, trace and correlation IDs). */
  verbose?: boolean;
  /** Asks a person a question on the terminal; null when nobody can answer (no terminal). */
  ask?: (question: string) => Promise<string | null>;
}

export const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  interactive: Boolean(process.stderr.isTTY),
};

/**
 * A reader that stops early (`pgentra status | head -1`) closes the pipe: that is its choice, not
 * a failure of ours, so pgentra stops quietly with 0 instead of dying with an EPIPE stack trace.
 */
export function stopQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
}
