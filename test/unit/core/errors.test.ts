import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  FAILURE_CATEGORIES,
  FAILURES,
  PgentraError,
  asAuthError,
  authKindOf,
  describeFailure,
  failureText,
  isPgentraError,
  type AuthErrorKind,
  type FailureCode,
} from '../../../electron/core/errors.js';
import { EXIT_CODE_BY_CATEGORY, ExitCode, toCliError, CliError } from '../../../electron/cli/exit-codes.js';
import { IPC_CODE_BY_CATEGORY } from '../../../electron/main/ipc/handlers.js';
import { AGENT_CODE_BY_CATEGORY } from '../../../electron/core/background.js';

const codes = Object.keys(FAILURES) as FailureCode[];
const AUTH_KINDS: AuthErrorKind[] = [
  'needs-sign-in',
  'interaction-required',
  'throttled',
  'network',
  'config',
  'keychain',
  'unknown',
];

describe('one failure vocabulary', () => {
  it('every code core can raise has a category every face maps, and advice a person can act on', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.string(), (code, message) => {
        const failure = describeFailure(new PgentraError(code, message));
        expect(FAILURE_CATEGORIES).toContain(failure.category);
        expect(failure.code).toBe(code);
        expect(failure.message).toBe(message);
        expect(failure.advice.trim().length).toBeGreaterThan(10);
        expect(EXIT_CODE_BY_CATEGORY[failure.category]).toBeTypeOf('number');
        expect(IPC_CODE_BY_CATEGORY[failure.category]).toBeTypeOf('string');
        expect(AGENT_CODE_BY_CATEGORY[failure.category]).toBeTypeOf('string');
      }),
    );
  });

  it('anything else thrown is an internal failure, never a crash of the describer', () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        const failure = describeFailure(thrown);
        expect(failure.category).toBe('internal');
        expect(isPgentraError(thrown)).toBe(false);
      }),
    );
  });

  it('matches on code, not class identity: a copy from another bundle is still recognised', () => {
    // What the CommonJS fast path throws: same shape, different class.
    class CopiedError extends Error {
      readonly code = 'cluster-not-found';
    }
    const failure = describeFailure(new CopiedError('no cluster named "x"'));
    expect(failure).toMatchObject({ code: 'cluster-not-found', category: 'not-found' });
    const copiedAuth = Object.assign(new Error('expired'), { code: 'interaction-required', kind: 'x' });
    expect(authKindOf(copiedAuth)).toBe('interaction-required');
  });

  it('a system error code (ENOENT) is not mistaken for one of ours', () => {
    const error = Object.assign(new Error('missing'), { code: 'ENOENT' });
    expect(isPgentraError(error)).toBe(false);
  });

  it.each(AUTH_KINDS)('an AuthError of kind %s keeps its kind through asAuthError', (kind) => {
    const error = new AuthError(kind, 'it failed');
    expect(asAuthError(error)).toBe(error);
    expect(authKindOf(error)).toBe(kind);
  });

  it('asAuthError turns anything else into an "unknown" sign-in failure that keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = asAuthError(cause);
    expect(error).toMatchObject({ kind: 'unknown', message: 'socket hang up' });
    expect(error.details.cause).toBe(cause);
  });

  it.each([
    ['needs-sign-in', ExitCode.needsSignIn, 'needs-sign-in', 'needs-sign-in'],
    ['network', ExitCode.unreachable, 'unreachable', 'unreachable'],
    ['sign-in-config', ExitCode.config, 'config', 'config'],
    ['cluster-not-found', ExitCode.usage, 'not-found', 'usage'],
    ['cluster-invalid', ExitCode.usage, 'invalid-argument', 'usage'],
    ['pgpass-file', ExitCode.config, 'config', 'config'],
    ['launch-failed', ExitCode.config, 'config', 'config'],
    ['internal', ExitCode.internal, 'internal', 'internal'],
  ] as const)('%s: exit %i, IPC %s, agent %s (the contracts scripts rely on)', (code, exit, ipc, agent) => {
    const { category } = describeFailure(new PgentraError(code, 'x'));
    expect(EXIT_CODE_BY_CATEGORY[category]).toBe(exit);
    expect(IPC_CODE_BY_CATEGORY[category]).toBe(ipc);
    expect(AGENT_CODE_BY_CATEGORY[category]).toBe(agent);
  });

  it('the CLI prints a launcher hint in place of the advice when there is one', () => {
    const withHint = Object.assign(new PgentraError('launch-failed', 'psql not found'), {
      hint: 'apt install postgresql-client',
    });
    expect(toCliError(withHint)).toMatchObject({ exitCode: 5, hint: 'apt install postgresql-client' });
    const plain = toCliError(new PgentraError('needs-sign-in', 'expired'));
    expect(plain).toBeInstanceOf(CliError);
    expect(plain).toMatchObject({ exitCode: 3, hint: FAILURES['needs-sign-in'].advice });
  });

  it('one line for the window and the agent: advice appended, except for a bad field or name', () => {
    expect(failureText(new PgentraError('network', 'down'))).toBe(`down ${FAILURES.network.advice}`);
    expect(failureText(new PgentraError('cluster-invalid', 'port: too big'))).toBe('port: too big');
    expect(failureText(new Error('surprise'))).toBe('surprise');
  });
});

describe('every error core raises is part of the vocabulary', () => {
  const coreDir = path.resolve('electron/core');
  const files = (readdirSync(coreDir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(path.join(coreDir, file), 'utf8') }));

  it('no error class in core extends Error directly (only PgentraError does)', () => {
    const offenders = files.flatMap(({ file, text }) =>
      [...text.matchAll(/class (\w+) extends Error\b/g)]
        .map((match) => `${file}: ${match[1]}`)
        .filter((entry) => !entry.endsWith(': PgentraError')),
    );
    expect(offenders).toEqual([]);
  });

  it('core throws no plain Error: each failure has a code and so a category and advice', () => {
    const offenders = files.flatMap(({ file, text }) =>
      text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => /(throw|reject\()\s*new Error\(/.test(line))
        .map(({ index }) => `${file}:${index + 1}`),
    );
    expect(offenders).toEqual([]);
  });
});
