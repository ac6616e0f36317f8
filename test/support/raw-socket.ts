// Talks to a socket the way a peer that is not our CLI would: these exact bytes, then whatever comes back.
import net from 'node:net';

export const rawRequest = (address: string, payload: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = net.createConnection(address, () => socket.end(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
