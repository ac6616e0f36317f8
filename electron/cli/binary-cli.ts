// The standalone binary's full CLI, an asset of the executable (see binary-entry.ts): every command,
// and the token path's fallback that reads the shared cache itself when no agent answers.
export { run } from './main.js';
export { printTokenFromCache } from './direct-token.js';
