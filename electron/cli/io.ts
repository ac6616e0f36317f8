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
  async ask(question) {
    if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
    const { createInterface } = await import('node:readline/promises');
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await prompt.question(question);
    } finally {
      prompt.close();
    }
  },
};

/** A yes from a person at the terminal; false when they said anything else or nobody can answer. */
export async function confirmed(io: Io, question: string): Promise<boolean> {
  const answer = await io.ask?.(`${question} [y/N] `);
  return answer !== null && answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
}

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
