// A question for the person at the terminal, for commands that change something outside pgentra
// (a firewall rule) only after a yes. Kept apart from io.ts: `pgentra token` never asks anything.

/** The answer typed on the terminal; null when there is none to ask on (a script, a pipe). */
export async function askOnTerminal(question: string): Promise<string | null> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}
