// What people paste as a "host": the Azure portal's connection strings (psql, JDBC, ADO.NET, the
// PHP/Python/Node snippets), postgres:// URIs, libpq key=value strings, https:// links and
// host:port. The one parser for them: the CLI reads `--host` with it and the window reads a paste
// into Host with it, so both take the same fields and say the same thing. It lives in shared (no
// Node APIs) so the window can show what it took without a round trip.
//
// It never keeps a password: the Entra token is the password, and a database password pasted
// along must not end up in config.json. sslmode is not taken either: pgentra verifies the server
// (verify-full) unless the person opts out explicitly, and every portal string says `require`.
import { z } from 'zod';

export type ConnectionField = 'host' | 'port' | 'database' | 'user';

export interface ConnectionFields {
  host: string;
  port?: number;
  database?: string;
  user?: string;
}

export type ConnectionFormat =
  'host' | 'host:port' | 'url' | 'uri' | 'jdbc' | 'libpq' | 'psql' | 'ado.net' | 'snippet';

export type PastedConnection =
  | {
      ok: true;
      format: ConnectionFormat;
      fields: ConnectionFields;
      /** The text carried a real password (not a `{your_password}` placeholder); it was dropped. */
      passwordDropped: boolean;
      /** Fields whose value was a portal placeholder such as `{your_database}`: not taken. */
      placeholders: ConnectionField[];
      /** Other parameters it carried and pgentra does not take (sslmode, connect_timeout, …). */
      ignored: string[];
    }
  | { ok: false; message: string };

const NOT_RECOGNISED =
  'not recognised as a host name or connection string: give the server name ' +
  '(e.g. myserver.postgres.database.azure.com), host:port, a postgres:// URI, ' +
  "or the portal's psql, JDBC or ADO.NET connection string";

// Letters, digits, "-" and "_" in dot-separated labels (a trailing dot is a fully qualified name),
// or an IPv6 address. The same characters the saved cluster's host allows.
const HOST_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;
const portSchema = z.coerce.number().int().min(1).max(65535);
// `{your_database}`, `<server name>`: what the portal shows where you fill in your own.
const PLACEHOLDER = /^(\{[^}]*\}|<[^>]*>|\[[^\]]*\])$/;

/** Which field a parameter of any supported format fills, by its name (case and spaces ignored). */
const KEYS: Record<string, ConnectionField | 'password'> = {
  host: 'host',
  server: 'host',
  datasource: 'host',
  address: 'host',
  port: 'port',
  dbname: 'database',
  database: 'database',
  initialcatalog: 'database',
  db: 'database',
  user: 'user',
  userid: 'user',
  username: 'user',
  uid: 'user',
  password: 'password',
  pwd: 'password',
  passwd: 'password',
};

class Refusal extends Error {}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

/** Reads pasted text; never throws: anything it cannot read is `{ ok: false, message }`. */
export function parseConnectionText(text: string): PastedConnection {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    // A bug here must not take the form or the CLI down: the text is simply not read.
    return { ok: false, message: NOT_RECOGNISED };
  }
}

function parse(text: string): PastedConnection {
  const input = text.trim();
  if (!input) refuse('the host is required');
  if (input.length > 4096) refuse(NOT_RECOGNISED);
  if (/^(postgres|postgresql):\/\//i.test(input)) return fromPairs('uri', uri(input));
  if (/^jdbc:postgresql:\/\//i.test(input)) return fromPairs('jdbc', uri(input.slice(5)));
  if (/^https?:\/\//i.test(input)) return fromPairs('url', webUrl(input));
  if (/^psql(\s|$)/i.test(input)) return fromPairs('psql', psql(input.slice(4)));
  const ado = adoNet(input);
  if (ado) return fromPairs('ado.net', ado);
  const conninfo = libpq(input);
  if (conninfo) return fromPairs('libpq', conninfo);
  if (/[({]/.test(input)) return fromPairs('snippet', snippet(input));
  const bare = hostPort(input);
  if (!bare) {
    // Something typed as a host (no connection-string syntax): say what a host name is.
    if (!/[=;({"']|:\/\//.test(input)) checkedHost(input.split(':')[0] ?? input);
    return refuse(NOT_RECOGNISED);
  }
  return fromPairs(bare.port === undefined ? 'host' : 'host:port', [
    ['host', bare.host],
    ...(bare.port === undefined ? [] : ([['port', bare.port]] as [string, string][])),
  ]);
}

/** Turns the named parameters into fields: the last of each wins (as in libpq). */
function fromPairs(format: ConnectionFormat, pairs: [string, string][]): PastedConnection {
  const raw: Partial<Record<ConnectionField | 'password', string>> = {};
  const ignored: string[] = [];
  for (const [key, value] of pairs) {
    const name = key.toLowerCase().replace(/[\s_-]/g, '');
    const field = KEYS[name];
    if (field) raw[field] = value;
    else if (name && !ignored.includes(name)) ignored.push(name);
  }
  const placeholders: ConnectionField[] = [];
  const fields: Partial<ConnectionFields> = {};
  for (const field of ['host', 'port', 'database', 'user'] as const) {
    const value = raw[field]?.trim();
    if (!value) continue;
    if (PLACEHOLDER.test(value)) placeholders.push(field);
    else if (field === 'port') fields.port = port(value);
    else if (field === 'host') fields.host = checkedHost(value);
    else fields[field] = value;
  }
  if (!fields.host)
    refuse(
      placeholders.includes('host')
        ? `the host in it is a placeholder (${raw.host ?? ''}): put in the server name`
        : 'no host in it: give the server name, e.g. myserver.postgres.database.azure.com',
    );
  const password = raw.password?.trim();
  return {
    ok: true,
    format,
    fields: fields as ConnectionFields,
    passwordDropped: Boolean(password && !PLACEHOLDER.test(password)),
    placeholders,
    ignored,
  };
}

function port(value: string): number {
  const parsed = /^\d{1,5}$/.test(value) ? portSchema.safeParse(value) : null;
  if (!parsed?.success) refuse(`the port "${value}" is not a number from 1 to 65535`);
  return parsed?.data ?? 0;
}

function checkedHost(value: string): string {
  if (value.includes(','))
    refuse(`it names several hosts (${value}): pgentra saves one server per cluster, paste one`);
  const host = value.replace(/^\[(.*)\]$/, '$1');
  if (HOST_NAME.test(host) || IPV6.test(host)) return host;
  return refuse(
    `"${value}" is not a host name: a host name has only letters, digits, ".", "-" (or an IP address)`,
  );
}

/** `host`, `host:port`, `[v6]:port`, or a bare IPv6 address (its colons are not a port). */
function hostPort(text: string): { host: string; port?: string } | null {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(text);
  if (bracketed)
    return { host: bracketed[1] ?? '', ...(bracketed[2] === undefined ? {} : { port: bracketed[2] }) };
  if (IPV6.test(text) && text.split(':').length > 2) return { host: text };
  const [host = '', portText, ...rest] = text.split(':');
  if (rest.length > 0 || !HOST_NAME.test(host)) return null;
  return portText === undefined ? { host } : { host, port: portText };
}

/** postgres://user:password@host:port/dbname?param=value (libpq's URI, and JDBC's after `jdbc:`). */
function uri(text: string): [string, string][] {
  const match = /^[a-z]+:\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/i.exec(text);
  if (!match) return refuse(NOT_RECOGNISED);
  const [, userinfo, authority = '', path, query] = match;
  const pairs: [string, string][] = [];
  if (authority.includes(',')) checkedHost(authority);
  const at = authority ? hostPort(authority) : null;
  if (authority && !at) checkedHost(authority.replace(/:[^:\]]*$/, ''));
  if (at) pairs.push(['host', decode(at.host)]);
  if (at?.port) pairs.push(['port', at.port]);
  if (userinfo !== undefined) {
    const [user = '', ...password] = userinfo.split(':');
    if (user) pairs.push(['user', decode(user)]);
    if (password.length) pairs.push(['password', decode(password.join(':'))]);
  }
  if (path) pairs.push(['dbname', decode(path)]);
  for (const param of query ? query.split('&') : []) {
    if (!param) continue;
    const eq = param.indexOf('=');
    pairs.push(eq < 0 ? [decode(param), ''] : [decode(param.slice(0, eq)), decode(param.slice(eq + 1))]);
  }
  return pairs;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return refuse(`"${text}" has a broken %-escape`);
  }
}

/** https://host[:port]/…: the host of a link. The portal's own page address is not the server's. */
function webUrl(text: string): [string, string][] {
  const match = /^https?:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(text);
  const authority = match?.[1] ?? '';
  if (/(^|\.)portal\.azure\.(com|us|cn)(:\d+)?$/i.test(authority) || /^portal\.azure\./i.test(authority))
    refuse(
      "that is the Azure portal's page address, not the server's: copy the server name from the Overview page " +
        '(e.g. myserver.postgres.database.azure.com)',
    );
  const at = hostPort(authority);
  if (!at) return refuse(NOT_RECOGNISED);
  return [['host', at.host], ...(at.port ? ([['port', at.port]] as [string, string][]) : [])];
}

/** `psql "host=… port=… dbname=… user=…"`, `psql postgres://…`, or `psql -h HOST -p PORT -U USER -d DB`. */
function psql(rest: string): [string, string][] {
  const words = shellWords(rest);
  const pairs: [string, string][] = [];
  const flags: Record<string, string> = {
    '-h': 'host',
    '--host': 'host',
    '-p': 'port',
    '--port': 'port',
    '-U': 'user',
    '--username': 'user',
    '-d': 'dbname',
    '--dbname': 'dbname',
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const long = /^(--[a-z]+)=(.*)$/.exec(word);
    const short = /^(-[hpUd])(.+)$/.exec(word);
    const flag = long?.[1] ?? short?.[1] ?? word;
    const key = flags[flag];
    if (key) {
      const value = long?.[2] ?? short?.[2] ?? words[++i];
      if (value === undefined) refuse(`psql's ${flag} has no value`);
      pairs.push([key, value ?? '']);
    } else if (/^postgres(ql)?:\/\//i.test(word)) pairs.push(...uri(word));
    else if (word.includes('=')) pairs.push(...(libpq(word) ?? refuse(NOT_RECOGNISED)));
    else if (word.startsWith('-')) continue;
    else if (!pairs.some(([k]) => k === 'dbname')) pairs.push(['dbname', word]);
  }
  return pairs;
}

/** Splits a command line on blanks, honouring "double" and 'single' quotes (as a shell would). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    words.push(match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? match[3] ?? '');
  }
  return words;
}

/** libpq's `key=value key='quoted value'`; null unless every word is such a pair. */
function libpq(text: string): [string, string][] | null {
  const pairs: [string, string][] = [];
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|((?:[^\s'"\\]|\\.)*))\s*/gy;
  let at = 0;
  for (let match = pattern.exec(text); match && match[0].length > 0; match = pattern.exec(text)) {
    pairs.push([match[1] ?? '', (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1')]);
    at = pattern.lastIndex;
  }
  return pairs.length > 0 && at === text.length ? pairs : null;
}

/** ADO.NET / Npgsql `Server=…;Database=…;Port=5432;User Id=…;Password=…;Ssl Mode=Require;`. */
function adoNet(text: string): [string, string][] | null {
  if (!text.includes(';')) return null;
  const parts = text.split(';').filter((part) => part.trim());
  const pairs = parts.map((part) => /^\s*([A-Za-z][A-Za-z ]*?)\s*=\s*(.*?)\s*$/.exec(part));
  if (pairs.length === 0 || pairs.some((pair) => !pair)) return null;
  const result = pairs.map((pair): [string, string] => [
    pair?.[1] ?? '',
    (pair?.[2] ?? '').replace(/^"(.*)"$|^'(.*)'$/, '$1$2'),
  ]);
  if (!result.some(([key]) => KEYS[key.toLowerCase().replace(/\s/g, '')] === 'host')) return null;
  // Npgsql allows `Host=myserver:6432`.
  return result.flatMap(([key, value]): [string, string][] => {
    if (KEYS[key.toLowerCase().replace(/\s/g, '')] !== 'host') return [[key, value]];
    const at = hostPort(value);
    return at?.port
      ? [
          [key, at.host],
          ['port', at.port],
        ]
      : [[key, value]];
  });
}

/**
 * The portal's code snippets: `psycopg2.connect(user="…", host="…", port=5432, …)`,
 * `new pg.Client({host: "…", …})`, PHP `pg_connect("host=… …")`. Named literals are read; a call
 * with none is read by its connection-string argument.
 */
function snippet(text: string): [string, string][] {
  const named = /\b([A-Za-z_]\w*)["']?\s*(?:=>|=|:)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+)\b)/g;
  const pairs: [string, string][] = [];
  for (const match of text.matchAll(named)) {
    const key = match[1] ?? '';
    if (KEYS[key.toLowerCase()]) pairs.push([key, match[2] ?? match[3] ?? match[4] ?? '']);
  }
  if (pairs.some(([key]) => KEYS[key.toLowerCase()] === 'host')) return pairs;
  const literals = [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
  const inner = literals.find((literal) => /=|:\/\//.test(literal));
  if (inner === undefined) return refuse(NOT_RECOGNISED);
  const parsed = parse(inner);
  if (!parsed.ok) return refuse(parsed.message);
  return [
    ...Object.entries(parsed.fields).map(([key, value]): [string, string] => [key, String(value)]),
    ...(parsed.passwordDropped ? ([['password', 'x']] as [string, string][]) : []),
    ...parsed.placeholders.map((field): [string, string] => [field, '{}']),
    ...parsed.ignored.map((key): [string, string] => [key, '']),
  ];
}

const LABELS: Record<ConnectionFormat, string> = {
  host: 'host name',
  'host:port': 'host:port',
  url: 'link',
  uri: 'postgres:// URI',
  jdbc: 'JDBC URL',
  libpq: 'connection string',
  psql: 'psql command',
  'ado.net': 'ADO.NET connection string',
  snippet: 'code snippet',
};

const FIELD_WORDS: Record<ConnectionField, string> = {
  host: 'host',
  port: 'port',
  database: 'database',
  user: 'user',
};

function list(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

/**
 * What a face tells the person after reading pasted text: which fields it took, which it kept
 * (the person's own value wins; `keptAs` names it in that face's words, e.g. "your port" or
 * "--port"), and what it did not take (a password, placeholders, sslmode).
 */
export function describePaste(
  pasted: Extract<PastedConnection, { ok: true }>,
  taken: readonly ConnectionField[],
  kept: readonly ConnectionField[] = [],
  keptAs: (field: ConnectionField) => string = (field) => `your ${FIELD_WORDS[field]}`,
): string {
  const sentences = [
    `Took ${list(taken.map((field) => FIELD_WORDS[field]))} from the pasted ${LABELS[pasted.format]}` +
      (kept.length ? `; kept ${list(kept.map(keptAs))}.` : '.'),
  ];
  if (pasted.passwordDropped)
    sentences.push('The password in it was not kept: your Entra token is the password.');
  if (pasted.placeholders.length)
    sentences.push(
      `Its ${list(pasted.placeholders.map((field) => FIELD_WORDS[field]))} ` +
        `${pasted.placeholders.length > 1 ? 'are placeholders' : 'is a placeholder'}: fill in your own.`,
    );
  if (pasted.ignored.includes('sslmode'))
    sentences.push("Its sslmode was not taken: pgentra verifies the server's certificate (verify-full).");
  return sentences.join(' ');
}
