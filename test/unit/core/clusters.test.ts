// Adding a cluster the way a DBA does: paste a host, maybe a kind, a user as the portal shows
// it. Kind and cloud come from the host when it tells; errors name the field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCloud, type CustomCloud } from '../../../electron/core/clouds.js';
import {
  buildCluster,
  ClusterValidationError,
  loginUserFor,
  resourceFor,
  type ClusterInput,
} from '../../../electron/core/clusters.js';
import { clusterNameSchema } from '../../../electron/shared/cluster-name.js';

const context = { defaultCloud: 'public', customClouds: [] };
const build = (input: Partial<ClusterInput>) =>
  buildCluster(
    { name: 'prod', host: 'mydb.postgres.database.azure.com', user: 'alice@contoso.com', ...input },
    context,
  );

function validationError(run: () => unknown): ClusterValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ClusterValidationError);
    return error as ClusterValidationError;
  }
  throw new Error('expected a ClusterValidationError');
}

describe('buildCluster: inference from the host', () => {
  it('a Flexible Server host: kind flexible, cloud public, port 5432, database postgres', () => {
    expect(build({})).toEqual({
      name: 'prod',
      host: 'mydb.postgres.database.azure.com',
      port: 5432,
      database: 'postgres',
      user: 'alice@contoso.com',
      group: false,
      kind: 'flexible',
      cloud: 'public',
    });
  });

  it('a Cosmos DB for PostgreSQL host: kind cosmos, database citus', () => {
    const cluster = build({ host: 'c-mycluster.abc123.postgres.cosmos.azure.com' });
    expect(cluster).toMatchObject({ kind: 'cosmos', cloud: 'public', database: 'citus' });
  });

  it.each([
    ['mydb.postgres.database.chinacloudapi.cn', 'china'],
    ['mydb.postgres.database.usgovcloudapi.net', 'usgov'],
  ])('%s is in the %s cloud', (host, cloud) => {
    expect(build({ host })).toMatchObject({ kind: 'flexible', cloud });
  });

  it('normalises a pasted host: case, surrounding spaces, a trailing dot', () => {
    expect(build({ host: ' MyDB.Postgres.Database.Azure.com. ' }).host).toBe(
      'mydb.postgres.database.azure.com',
    );
  });

  it('an unknown host without --kind is an error naming "kind" and telling what to pass', () => {
    const error = validationError(() => build({ host: 'db.internal.example' }));
    expect(error.field).toBe('kind');
    expect(error.message).toContain('db.internal.example');
    expect(error.message).toContain('--kind flexible, single or cosmos');
  });

  it('an unknown host with --kind uses the default cloud', () => {
    expect(build({ host: '10.0.0.5', kind: 'flexible', trustHost: true })).toMatchObject({
      kind: 'flexible',
      cloud: 'public',
    });
    expect(
      buildCluster(
        { name: 'p', host: '10.0.0.5', kind: 'flexible', user: 'u', trustHost: true },
        { defaultCloud: 'usgov', customClouds: [] },
      ).cloud,
    ).toBe('usgov');
  });

  it('a kind that is not flexible/single/cosmos is named as such', () => {
    const error = validationError(() => build({ kind: 'hyperscale' }));
    expect(error.field).toBe('kind');
    expect(error.message).toContain('"hyperscale" is not a server kind');
  });

  it('a cloud that contradicts the host is refused', () => {
    const error = validationError(() => build({ cloud: 'china' }));
    expect(error.field).toBe('cloud');
    expect(error.message).toContain('is a public cloud host, not china');
  });

  it('an unknown cloud is refused, listing the known ones', () => {
    const error = validationError(() => build({ host: '10.0.0.5', kind: 'flexible', cloud: 'mars' }));
    expect(error.field).toBe('cloud');
    expect(error.message).toContain('public, china, usgov');
  });
});

describe('Single Server users', () => {
  const single = { host: 'myserver.postgres.database.azure.com', kind: 'single' };

  it('stores the bare user; the login user gets "@server" appended', () => {
    const cluster = build({ ...single, user: 'alice@contoso.com' });
    expect(cluster.user).toBe('alice@contoso.com');
    expect(loginUserFor(cluster)).toBe('alice@contoso.com@myserver');
  });

  it('a pasted "user@tenant@server" is normalised to the bare user, whatever its case', () => {
    expect(build({ ...single, user: 'alice@contoso.com@myserver' }).user).toBe('alice@contoso.com');
    expect(build({ ...single, user: ' alice@contoso.com@MyServer ' }).user).toBe('alice@contoso.com');
    const cluster = build({ ...single, user: 'alice@contoso.com@myserver' });
    expect(loginUserFor(cluster)).toBe('alice@contoso.com@myserver');
  });

  it('a group name gets the suffix too', () => {
    expect(loginUserFor(build({ ...single, user: 'DBA Team', group: true }))).toBe('DBA Team@myserver');
  });

  it('a user that only looks like the suffix is kept', () => {
    const cluster = build({ ...single, user: '@myserver' });
    expect(cluster.user).toBe('@myserver');
    expect(loginUserFor(cluster)).toBe('@myserver');
  });

  // Issue 12, finding 11: a Single Server added by IP logged in as `alice@contoso.com@127`.
  it('by IP or custom DNS name: refused without a server name, which names --server-name', () => {
    for (const host of ['127.0.0.1', '10.0.0.7', 'pg.internal.contoso.com']) {
      const error = validationError(() => build({ host, kind: 'single', trustHost: true }));
      expect(error.field, host).toBe('serverName');
      expect(error.message).toContain('--server-name');
      expect(error.message).toContain(host === 'pg.internal.contoso.com' ? 'is not a' : 'is an IP address');
    }
  });

  it('by IP or custom DNS name with a server name: the login user is user@servername', () => {
    const cluster = build({ host: '10.0.0.7', kind: 'single', trustHost: true, serverName: ' MyServer ' });
    expect(cluster.serverName).toBe('myserver');
    expect(loginUserFor(cluster)).toBe('alice@contoso.com@myserver');
    // The portal's `user@servername`, pasted, is stored bare.
    const pasted = build({
      host: 'pg.internal.contoso.com',
      kind: 'single',
      trustHost: true,
      serverName: 'myserver',
      user: 'alice@contoso.com@myserver',
    });
    expect(pasted.user).toBe('alice@contoso.com');
    expect(loginUserFor(pasted)).toBe('alice@contoso.com@myserver');
  });

  it('a server name wins over the host label; a bad one names the field; other kinds drop it', () => {
    expect(loginUserFor(build({ ...single, serverName: 'other' }))).toBe('alice@contoso.com@other');
    const error = validationError(() => build({ ...single, serverName: 'my server' }));
    expect(error.field).toBe('serverName');
    expect(error.message).toContain('3–63 letters, digits and "-"');
    expect(build({ serverName: 'myserver' }).serverName).toBeUndefined();
  });

  it('Flexible and Cosmos users are used exactly as given', () => {
    expect(loginUserFor(build({ user: 'Alice@Contoso.com' }))).toBe('Alice@Contoso.com');
    expect(loginUserFor(build({ user: 'alice@contoso.com@myserver' }))).toBe('alice@contoso.com@myserver');
  });
});

describe('resourceFor', () => {
  it('Flexible and Single use the ossrdbms resource of their cloud, Cosmos its own', () => {
    expect(resourceFor({ kind: 'flexible', name: 'p' }, resolveCloud('public'))).toBe(
      'https://ossrdbms-aad.database.windows.net',
    );
    expect(resourceFor({ kind: 'single', name: 'p' }, resolveCloud('china'))).toBe(
      'https://ossrdbms-aad.database.chinacloudapi.cn',
    );
    expect(resourceFor({ kind: 'cosmos', name: 'p' }, resolveCloud('public'))).toBe(
      'https://token.postgres.cosmos.azure.com',
    );
  });

  it('Cosmos in the China cloud is a clear error naming "kind"', () => {
    const error = validationError(() => resourceFor({ kind: 'cosmos', name: 'p' }, resolveCloud('china')));
    expect(error.field).toBe('kind');
    expect(error.message).toContain('no Cosmos DB for PostgreSQL resource for the china cloud');
  });

  it('buildCluster refuses Cosmos in China up front', () => {
    const error = validationError(() => build({ host: '10.0.0.5', kind: 'cosmos', cloud: 'china' }));
    expect(error.field).toBe('kind');
    expect(error.message).toContain('china');
  });
});

describe('invalid input names the field', () => {
  it.each([
    [{ name: 'my cluster' }, 'name', 'no spaces'],
    [{ name: '' }, 'name', 'letters, digits'],
    [{ name: 'x'.repeat(65) }, 'name', '1–64'],
    [{ name: 'prod;rm' }, 'name', 'letters, digits'],
    [{ host: '', kind: 'flexible' }, 'host', 'required'],
    [{ host: 'bad host!', kind: 'flexible' }, 'host', 'only letters'],
    [{ port: 0 }, 'port', ''],
    [{ port: 70000 }, 'port', ''],
    [{ port: 5432.5 }, 'port', ''],
    [{ database: '' }, 'database', 'empty'],
    [{ database: 'd'.repeat(64) }, 'database', '63 bytes'],
    [{ user: '   ' }, 'user', 'empty'],
    // A newline would split the pgpass line; "x\n*:*:*:*:" would even add a wildcard line.
    [{ user: 'alice\n*:*:*:*:' }, 'user', 'line break'],
    [{ user: 'a\rb' }, 'user', 'line break'],
    [{ user: 'a\0b' }, 'user', 'NUL'],
    [{ database: 'app\ndb' }, 'database', 'line break'],
  ] as const)('%o → %s', (input, field, words) => {
    const error = validationError(() => build(input));
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toContain(words);
  });

  it('accepts names with dots, dashes and underscores, and IP/IPv6 hosts with --kind', () => {
    expect(build({ name: 'prod_eu-1.main' }).name).toBe('prod_eu-1.main');
    expect(build({ host: '[::1]', kind: 'flexible', trustHost: true }).host).toBe('[::1]');
  });
});

describe('the inference table', () => {
  it.each([
    // host, --kind, → kind, cloud, database, login user
    ['x.postgres.database.azure.com', undefined, 'flexible', 'public', 'postgres', 'alice@contoso.com'],
    ['c-x.abc.postgres.cosmos.azure.com', undefined, 'cosmos', 'public', 'citus', 'alice@contoso.com'],
    ['x.postgres.database.chinacloudapi.cn', undefined, 'flexible', 'china', 'postgres', 'alice@contoso.com'],
    [
      'x.postgres.database.usgovcloudapi.net',
      undefined,
      'flexible',
      'usgov',
      'postgres',
      'alice@contoso.com',
    ],
    ['x.postgres.database.azure.com', 'single', 'single', 'public', 'postgres', 'alice@contoso.com@x'],
    ['x.postgres.database.chinacloudapi.cn', 'single', 'single', 'china', 'postgres', 'alice@contoso.com@x'],
    // Private Link names end in the public suffix too.
    [
      'x.privatelink.postgres.database.azure.com',
      undefined,
      'flexible',
      'public',
      'postgres',
      'alice@contoso.com',
    ],
  ] as const)('%s --kind %s → %s in %s', (host, kind, expectedKind, cloud, database, login) => {
    const cluster = build({ host, ...(kind ? { kind } : {}) });
    expect(cluster).toMatchObject({ kind: expectedKind, cloud, database });
    expect(loginUserFor(cluster)).toBe(login);
  });
});

describe('a kind that contradicts the host', () => {
  it('a Cosmos host cannot be flexible or single (the token would be for the wrong audience)', () => {
    for (const kind of ['flexible', 'single']) {
      const error = validationError(() => build({ host: 'c-x.abc.postgres.cosmos.azure.com', kind }));
      expect(error.field).toBe('kind');
      expect(error.message).toContain('is a Cosmos DB for PostgreSQL host, so the kind is cosmos');
    }
  });

  it('an Azure Database for PostgreSQL host cannot be cosmos', () => {
    const error = validationError(() => build({ kind: 'cosmos' }));
    expect(error.field).toBe('kind');
    expect(error.message).toContain('flexible or single, not cosmos');
  });

  it('kind is read case-insensitively and an empty one means "infer"', () => {
    expect(build({ kind: ' Single ' }).kind).toBe('single');
    expect(build({ kind: '' }).kind).toBe('flexible');
  });
});

describe('fields are checked in form order', () => {
  it('an empty host without a kind complains about the host, not the kind', () => {
    expect(validationError(() => build({ host: '  ' })).field).toBe('host');
  });

  it('a bad name is reported before an uninferable host', () => {
    expect(validationError(() => build({ name: 'a b', host: 'db.internal' })).field).toBe('name');
  });

  it('the port message says what a port is, in words', () => {
    for (const port of [0, 70000, 5432.5, Number.NaN]) {
      const error = validationError(() => build({ port }));
      expect(error.field).toBe('port');
      expect(error.message).toMatch(/^port: the port is a (whole )?number from 1 to 65535$/);
    }
  });
});

describe('the cloud when the host does not tell', () => {
  const lab: CustomCloud = {
    name: 'lab',
    authorityHost: 'https://login.lab.example',
    resources: { flexible: 'https://pg.lab.example', single: 'https://pg.lab.example' },
  };

  it('is the configured default, even when there is only one custom cloud', () => {
    expect(
      buildCluster(
        { name: 'p', host: '127.0.0.1', kind: 'flexible', user: 'u', trustHost: true },
        { defaultCloud: 'public', customClouds: [lab] },
      ).cloud,
    ).toBe('public');
    expect(
      buildCluster(
        { name: 'p', host: '127.0.0.1', kind: 'flexible', user: 'u', trustHost: true },
        { defaultCloud: 'lab', customClouds: [lab] },
      ).cloud,
    ).toBe('lab');
  });

  it('a custom cloud without Cosmos refuses a Cosmos cluster, naming kind', () => {
    const error = validationError(() =>
      buildCluster(
        { name: 'p', host: '127.0.0.1', kind: 'cosmos', user: 'u' },
        { defaultCloud: 'lab', customClouds: [lab] },
      ),
    );
    expect(error.field).toBe('kind');
    expect(error.message).toBe(
      'kind: the custom cloud "lab" has no resources.cosmos; add one to it to use Cosmos DB for PostgreSQL',
    );
  });

  it('a host with a known suffix keeps its own cloud whatever the default', () => {
    // The suffix wins over the default; only an explicit contradicting --cloud is an error.
    expect(
      buildCluster(
        { name: 'p', host: 'x.postgres.database.azure.com', user: 'u' },
        { defaultCloud: 'lab', customClouds: [lab] },
      ).cloud,
    ).toBe('public');
  });
});

describe('properties', () => {
  const server = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
  const user = fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((u) => u.trim() !== '' && !/[\r\n\0]/.test(u));

  it('Single Server: the login user ends in "@server" exactly once, pasted suffix or not', () => {
    fc.assert(
      fc.property(server, user, fc.boolean(), (name, rawUser, pasted) => {
        const host = `${name}.postgres.database.azure.com`;
        const bare = rawUser.trim();
        fc.pre(!bare.toLowerCase().endsWith(`@${name}`));
        const cluster = build({ host, kind: 'single', user: pasted ? `${bare}@${name}` : bare });
        expect(cluster.user).toBe(bare);
        expect(loginUserFor(cluster)).toBe(`${bare}@${name}`);
        expect(loginUserFor({ ...cluster, user: loginUserFor(cluster) })).toBe(`${bare}@${name}`);
      }),
    );
  });

  it('Flexible and Cosmos: the login user is the user as given (trimmed)', () => {
    fc.assert(
      fc.property(
        user,
        fc.constantFrom('x.postgres.database.azure.com', 'c-x.a.postgres.cosmos.azure.com'),
        (u, host) => {
          expect(loginUserFor(build({ host, user: u }))).toBe(u.trim());
        },
      ),
    );
  });

  it('a name is accepted exactly when it is a shell-safe id of 1–64 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (name) => {
        if (clusterNameSchema.safeParse(name).success) expect(build({ name }).name).toBe(name);
        else expect(validationError(() => build({ name })).field).toBe('name');
      }),
    );
  });
});
