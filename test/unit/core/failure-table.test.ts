// The failure table people read (README.md, "One failure vocabulary") is the one the code uses:
// scripts and pgAdmin configurations are written against the README, not against exit-codes.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_BY_CATEGORY } from '../../../electron/cli/exit-codes.js';
import { AGENT_CODE_BY_CATEGORY } from '../../../electron/core/background.js';
import { AuthError, FAILURE_CATEGORIES } from '../../../electron/core/errors.js';
import { createHandlers, dispatch, IPC_CODE_BY_CATEGORY } from '../../../electron/main/ipc/handlers.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

function readmeTable(): Map<string, string[]> {
  const header = readme.indexOf('| Category | CLI exit code | Window (IPC) | Agent |');
  expect(header, 'the failure table is in README.md').toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of readme.slice(header).split('\n').slice(2)) {
    if (!line.trim().startsWith('|')) break;
    const [category = '', ...cells] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    rows.set(category, cells);
  }
  return rows;
}

describe("README's failure table", () => {
  it('has one row per category, and each face maps it exactly as the row says', () => {
    const rows = readmeTable();
    expect([...rows.keys()].sort()).toEqual([...FAILURE_CATEGORIES].sort());
    for (const category of FAILURE_CATEGORIES)
      expect(rows.get(category), category).toEqual([
        String(EXIT_CODE_BY_CATEGORY[category]),
        IPC_CODE_BY_CATEGORY[category],
        AGENT_CODE_BY_CATEGORY[category],
      ]);
  });

  it('and the one-line exit code list in the README agrees with the table', () => {
    const line = /Exit codes: (.+)\./.exec(readme)?.[1] ?? '';
    const listed = new Map(
      line.split(', ').map((item) => [Number(item.split(' ')[0]), item.slice(item.indexOf(' ') + 1)]),
    );
    expect(listed.get(EXIT_CODE_BY_CATEGORY['needs-sign-in'])).toMatch(/sign-in/);
    expect(listed.get(EXIT_CODE_BY_CATEGORY.unreachable)).toMatch(/unreachable/);
    expect(listed.get(EXIT_CODE_BY_CATEGORY.config)).toMatch(/configuration/);
    expect(listed.get(EXIT_CODE_BY_CATEGORY['invalid-input'])).toMatch(/usage/);
  });
});

describe('the window gets message, advice and details apart', () => {
  it('an Entra failure: the sentence as message, the advice, and the support IDs behind Details', async () => {
    const failing = async () => {
      throw new AuthError(
        'network',
        'Entra ID is temporarily unavailable: AADSTS90033: A transient error has occurred.',
        {
          entraCode: 'AADSTS90033',
          correlationId: '8c8646bf-b3a0-4a20-bfe6-7c58b68bec40',
          traceId: '3dcacdd8-537b-4864-b107-d902d4dad696',
        },
      );
    };
    const handlers = { ...createHandlers({} as never), 'clusters:refresh': failing };
    const result = await dispatch(handlers, 'clusters:refresh', [null]);
    expect(result).toEqual({
      ok: false,
      code: 'unreachable',
      message: 'Entra ID is temporarily unavailable: AADSTS90033: A transient error has occurred.',
      advice: expect.stringContaining('Check your network') as unknown,
      details: [
        'Entra error: AADSTS90033',
        'Trace ID: 3dcacdd8-537b-4864-b107-d902d4dad696',
        'Correlation ID: 8c8646bf-b3a0-4a20-bfe6-7c58b68bec40',
      ],
    });
  });
});
