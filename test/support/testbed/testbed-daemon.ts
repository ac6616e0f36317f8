// The background process behind `npm run testbed -- up`: owns the stack until SIGTERM.
import { promises as fs } from 'node:fs';
import { startTestbed, type TestbedOptions } from './testbed.js';

const [stateFile, optionsJson] = process.argv.slice(2);
if (!stateFile || !optionsJson) {
  process.stderr.write('usage: testbed-daemon STATE_FILE OPTIONS_JSON\n');
  process.exit(2);
}

const testbed = await startTestbed(JSON.parse(optionsJson) as TestbedOptions);
// Written last and atomically: `up` treats the file's existence as "ready".
await fs.writeFile(`${stateFile}.tmp`, JSON.stringify({ pid: process.pid, facts: testbed.facts }), {
  mode: 0o600,
});
await fs.rename(`${stateFile}.tmp`, stateFile);
process.stdout.write(`testbed ready in ${testbed.dir}\n`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await testbed.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// Keep the event loop alive even if every server is unref'd.
setInterval(() => undefined, 1 << 30);
