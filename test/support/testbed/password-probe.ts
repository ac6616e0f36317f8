// A TCP server speaking just enough of the PostgreSQL wire protocol (v3) to see what a real
// client (libpq via psql) sends as its password: it answers SSLRequest/GSSENCRequest with 'N',
// reads the StartupMessage, asks for a cleartext password (AuthenticationCleartextPassword, R/3),
// records the PasswordMessage ('p'), then fails the login with FATAL 28P01 and hangs up.
// A client that has no password closes the connection instead; that login is recorded with
// `password: undefined`. Nothing here is a real server: never point a real token at it.
import net from 'node:net';

export interface CapturedLogin {
  /** Startup parameters as sent (user, database, application_name, ...). */
  params: Record<string, string>;
  user: string | undefined;
  /** The cleartext password as UTF-8 text, or undefined if the client sent none. */
  password: string | undefined;
  /** The password's exact bytes (without the terminating NUL). */
  passwordBytes: Buffer | undefined;
  /** Whether the client first asked for TLS (it was refused with 'N'). */
  sslRequested: boolean;
}

export interface PasswordProbe {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Connections that got as far as a StartupMessage, in order; `password` fills in when sent. */
  readonly logins: readonly CapturedLogin[];
  /** The logins whose startup carried this application_name. */
  loginsFor(applicationName: string): CapturedLogin[];
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const MAX_MESSAGE = 1 << 20;

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function authCleartext(): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt32BE(3, 0);
  return message('R', body);
}

function errorResponse(user: string | undefined): Buffer {
  const fields: [string, string][] = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', '28P01'],
    ['M', `password authentication failed for user "${user ?? ''}"`],
  ];
  const parts = fields.map(([code, value]) =>
    Buffer.concat([Buffer.from(code, 'latin1'), Buffer.from(value), Buffer.from([0])]),
  );
  return message('E', Buffer.concat([...parts, Buffer.from([0])]));
}

function parseStartup(body: Buffer): Record<string, string> {
  const params: Record<string, string> = {};
  const parts = body.toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = parts[i] as string;
    if (key === '') break;
    params[key] = parts[i + 1] as string;
  }
  return params;
}

export async function startPasswordProbe(): Promise<PasswordProbe> {
  const logins: CapturedLogin[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    let phase: 'startup' | 'password' | 'done' = 'startup';
    const login: CapturedLogin = {
      params: {},
      user: undefined,
      password: undefined,
      passwordBytes: undefined,
      sslRequested: false,
    };

    const fail = () => {
      phase = 'done';
      socket.destroy();
    };

    const pump = () => {
      for (;;) {
        if (phase === 'startup') {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (length < 8 || length > MAX_MESSAGE) return fail();
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const body = buffer.subarray(8, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            login.sslRequested ||= code === SSL_REQUEST;
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST || code !== PROTOCOL_3) return fail();
          login.params = parseStartup(body);
          login.user = login.params.user;
          // Recorded now, so it is visible before the client can have seen our reply.
          logins.push(login);
          phase = 'password';
          socket.write(authCleartext());
          continue;
        }
        if (phase === 'password') {
          if (buffer.length < 5) return;
          const type = String.fromCharCode(buffer[0] as number);
          const length = buffer.readInt32BE(1);
          if (length < 4 || length > MAX_MESSAGE) return fail();
          if (buffer.length < length + 1) return;
          const body = buffer.subarray(5, length + 1);
          buffer = buffer.subarray(length + 1);
          if (type !== 'p') return fail();
          const nul = body.indexOf(0);
          login.passwordBytes = Buffer.from(nul < 0 ? body : body.subarray(0, nul));
          login.password = login.passwordBytes.toString('utf8');
          phase = 'done';
          socket.end(errorResponse(login.user));
          return;
        }
        return;
      }
    };

    socket.on('data', (chunk: Buffer) => {
      if (phase === 'done') return;
      buffer = Buffer.concat([buffer, chunk]);
      pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('password probe: no TCP address');

  return {
    host: '127.0.0.1',
    port: address.port,
    logins,
    loginsFor: (name) => logins.filter((l) => l.params.application_name === name),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
