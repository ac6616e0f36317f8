// The one reader of pasted connection text (CLI `--host` and the window's Host field): what the
// Azure portal shows, read back to the same fields, never a password, and a clear "not
// recognised" (never an exception) for anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describePaste,
  parseConnectionText,
  type ConnectionFields,
} from '../../../electron/shared/connection-text.js';

const HOST = 'myserver.postgres.database.azure.com';

function read(text: string) {
  const result = parseConnectionText(text);
  if (!result.ok) throw new Error(`not read: ${text}: ${result.message}`);
  return result;
}

describe('parseConnectionText: what the portal and people paste', () => {
  it.each([
    ['host', HOST, { host: HOST }],
    ['host:port', `${HOST}:6432`, { host: HOST, port: 6432 }],
    ['host:port', '[2001:db8::1]:5432', { host: '2001:db8::1', port: 5432 }],
    ['url', `https://${HOST}/`, { host: HOST }],
    [
      'uri',
      `postgres://alice%40contoso.com@${HOST}:5432/appdb?sslmode=require`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'uri',
      `postgresql://${HOST}/appdb?user=bob&port=6432`,
      { host: HOST, port: 6432, database: 'appdb', user: 'bob' },
    ],
    [
      'libpq',
      `host=${HOST} port=5432 dbname=appdb user=alice@contoso.com sslmode=require`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'psql',
      `psql "host=${HOST} port=5432 dbname=appdb user=alice@contoso.com sslmode=require"`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'psql',
      `psql -h ${HOST} -p 5432 -U alice@contoso.com -d appdb`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'jdbc',
      `jdbc:postgresql://${HOST}:5432/appdb?user=alice@contoso.com&password={your_password}&sslmode=require`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'ado.net',
      `Server=${HOST};Database=appdb;Port=5432;User Id=alice@contoso.com;Password={your_password};Ssl Mode=Require;`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'snippet',
      `cnx = psycopg2.connect(user="alice@contoso.com", password="{your_password}", host="${HOST}", port=5432, database="appdb")`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'snippet',
      `var client = new pg.Client({host:"${HOST}", user:"alice@contoso.com", password:"{your_password}", database:"appdb", port:5432, ssl:{ca:fs.readFileSync("{ca-cert filename}")}});`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
    [
      'snippet',
      `$dbconn = pg_connect("host=${HOST} port=5432 dbname=appdb user=alice@contoso.com password={your_password} sslmode=require");`,
      { host: HOST, port: 5432, database: 'appdb', user: 'alice@contoso.com' },
    ],
  ] as const)('%s: %s', (format, text, fields) => {
    const result = read(text);
    expect(result.format).toBe(format);
    expect(result.fields).toEqual(fields);
    // `{your_password}` is the portal's placeholder, not a password.
    expect(result.passwordDropped).toBe(false);
  });

  it('a real password is dropped, and the person is told', () => {
    for (const text of [
      `postgres://alice:s3cret@${HOST}/appdb`,
      `host=${HOST} password='s3 cret'`,
      `Server=${HOST};Password=s3cret`,
      `jdbc:postgresql://${HOST}/appdb?password=s3cret`,
    ]) {
      const result = read(text);
      expect(result.passwordDropped, text).toBe(true);
      expect(JSON.stringify(result)).not.toContain('s3');
      expect(describePaste(result, ['host'])).toContain('The password in it was not kept');
    }
  });

  it("the portal's placeholders are not taken, and are named", () => {
    const result = read(`host=${HOST} port=5432 dbname={your_database} user=alice sslmode=require`);
    expect(result.fields).toEqual({ host: HOST, port: 5432, user: 'alice' });
    expect(result.placeholders).toEqual(['database']);
    expect(describePaste(result, ['host', 'port', 'user'])).toBe(
      'Took host, port and user from the pasted connection string. Its database is a placeholder: fill in your own. ' +
        "Its sslmode was not taken: pgentra verifies the server's certificate (verify-full).",
    );
  });

  it('says what it took and what the person kept', () => {
    const result = read(`psql "host=${HOST} port=5432 dbname=appdb user=bob"`);
    expect(describePaste(result, ['host', 'port', 'user'], ['database'])).toBe(
      'Took host, port and user from the pasted psql command; kept your database.',
    );
    expect(describePaste(result, ['host'], ['port', 'user'], (f) => `--${f}`)).toBe(
      'Took host from the pasted psql command; kept --port and --user.',
    );
  });

  it.each([
    ['', 'the host is required'],
    ['my server', 'a host name has only letters'],
    [`${HOST}:99999`, 'the port "99999" is not a number from 1 to 65535'],
    ['postgres://a.example.com,b.example.com/db', 'several hosts'],
    ['host=a.example.com,b.example.com', 'several hosts'],
    [
      'https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/x/flexibleServers/myserver/overview',
      "Azure portal's page address",
    ],
    ['dbname=appdb user=alice', 'no host in it'],
    ['host={your_server} dbname=appdb', 'placeholder'],
    ['SELECT 1; DROP TABLE x', 'not recognised'],
  ])('refuses %j clearly', (text, message) => {
    const result = parseConnectionText(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });
});

// Hosts, ports, databases and users as Azure makes them (users may be UPNs or group names with
// spaces); rendered in every format with a host and each optional field.
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const host = fc.oneof(
  fc
    .tuple(label, fc.constantFrom('.postgres.database.azure.com', '.postgres.cosmos.azure.com', ''))
    .map(([l, s]) => l + s),
  fc.ipV4(),
);
const word = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,20}$/);
const fieldsArb = fc.record(
  {
    host,
    port: fc.integer({ min: 1, max: 65535 }),
    database: word,
    user: fc.oneof(
      word,
      fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
    ),
  },
  { requiredKeys: ['host'] },
);

const quoteLibpq = (v: string) => (/^[^\s'\\]+$/.test(v) ? v : `'${v.replace(/[\\']/g, '\\$&')}'`);
const renderers: Record<string, (f: ConnectionFields) => string> = {
  uri: (f) =>
    `postgresql://${f.user !== undefined ? `${encodeURIComponent(f.user)}@` : ''}${f.host}${f.port !== undefined ? `:${f.port}` : ''}/${f.database !== undefined ? encodeURIComponent(f.database) : ''}?sslmode=require`,
  jdbc: (f) =>
    `jdbc:postgresql://${f.host}${f.port !== undefined ? `:${f.port}` : ''}/${f.database !== undefined ? encodeURIComponent(f.database) : ''}?${f.user !== undefined ? `user=${encodeURIComponent(f.user)}&` : ''}password={your_password}&sslmode=require`,
  libpq: (f) =>
    [
      `host=${f.host}`,
      f.port !== undefined && `port=${f.port}`,
      f.database !== undefined && `dbname=${quoteLibpq(f.database)}`,
      f.user !== undefined && `user=${quoteLibpq(f.user)}`,
      'sslmode=require',
    ]
      .filter(Boolean)
      .join(' '),
  psql: (f) => `psql "${renderers.libpq?.(f) ?? ''}"`,
  'ado.net': (f) =>
    [
      `Server=${f.host}`,
      f.database !== undefined && `Database=${f.database}`,
      f.port !== undefined && `Port=${f.port}`,
      f.user !== undefined && `User Id=${f.user}`,
      'Password={your_password}',
      'Ssl Mode=Require',
      '',
    ]
      .filter((p) => p !== false)
      .join(';'),
  snippet: (f) =>
    `conn = psycopg2.connect(${[f.user !== undefined && `user=${JSON.stringify(f.user)}`, 'password="{your_password}"', `host=${JSON.stringify(f.host)}`, f.port !== undefined && `port=${f.port}`, f.database !== undefined && `database=${JSON.stringify(f.database)}`].filter(Boolean).join(', ')})`,
};

describe('parseConnectionText properties', () => {
  it('any host/port/database/user rendered in each supported format reads back to the same fields', () => {
    fc.assert(
      fc.property(fieldsArb, fc.constantFrom(...Object.keys(renderers)), (fields, format) => {
        const text = renderers[format]?.(fields) ?? '';
        const result = parseConnectionText(text);
        expect(result, text).toMatchObject({ ok: true, format, fields, passwordDropped: false });
      }),
      { numRuns: 500 },
    );
  });

  it('host and host:port read back', () => {
    fc.assert(
      fc.property(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (h, port) => {
        const result = parseConnectionText(port === undefined ? h : `${h}:${port}`);
        expect(result).toMatchObject({
          ok: true,
          fields: port === undefined ? { host: h } : { host: h, port },
        });
      }),
    );
  });

  it('garbage never throws: it is read or refused with a message, and never keeps a password', () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc
        .array(
          fc.constantFrom(
            'postgres://',
            'jdbc:',
            'psql ',
            '"',
            "'",
            '=',
            ';',
            ':',
            '@',
            '/',
            '?',
            '&',
            '%',
            '(',
            '{',
            'host',
            'Server',
            ' ',
            '[',
            ']',
            ',',
            'password=',
            'x',
            '1',
          ),
          { maxLength: 30 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        const result = parseConnectionText(text);
        if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
        else expect(Object.keys(result.fields)).not.toContain('password');
      }),
      { numRuns: 2000 },
    );
  });
});
