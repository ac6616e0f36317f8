// Readers for quoted text, for tests: a real /bin/sh, and the Microsoft C runtime's documented
// argv splitting (there is no Windows here), plus strings every shell finds awkward.
import { spawnSync } from 'node:child_process';

// Every character the brief names, plus the ones each shell treats specially.
export const AWKWARD = [
  'plain',
  'with space',
  "o'brien",
  'say "hi"',
  'ann@contoso.com',
  '$HOME and ${PATH} and $(id) and `id`',
  '100% of %PATH%',
  'a & b | c ; d',
  '(x) <y> ^z !w',
  'zoë データ 🐘',
  'back\\slash\\',
  'tab\there',
  'new\nline',
  '',
  '-e',
  '*?[a]~',
];

/** Runs a real /bin/sh on `script` and returns what it printed. */
export function sh(script: string, args: string[] = []): string {
  const result = spawnSync('/bin/sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sh failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * The Microsoft C runtime's argv splitting (CommandLineToArgvW, "Parsing C command-line
 * arguments" in Microsoft's docs): 2n backslashes + quote → n backslashes and a quote toggle;
 * 2n+1 backslashes + quote → n backslashes and a literal quote; other backslashes are literal.
 */
export function msvcrtSplit(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? '';
    if (char === '\\') {
      let count = 0;
      while (line[i] === '\\') {
        count += 1;
        i += 1;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(count / 2));
        if (count % 2 === 1) current += '"';
        else inQuotes = !inQuotes;
      } else {
        current += '\\'.repeat(count);
        i -= 1;
      }
      started = true;
    } else if (char === '"') {
      if (inQuotes && line[i + 1] === '"') {
        current += '"';
        i += 1;
      } else {
        inQuotes = !inQuotes;
      }
      started = true;
    } else if ((char === ' ' || char === '\t') && !inQuotes) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}
