// electron-builder afterPack hook: flips Electron's fuses in the packaged binary, before signing
// (electron-builder signs after afterPack, so the signature covers the flipped bits).
//
// RunAsNode is OFF. With it on, `ELECTRON_RUN_AS_NODE=1 <pgentra>` turns the signed app into a
// general Node interpreter that anything on the machine can use. The price: pgAdmin cannot run
// `[process.execPath, cli.js]` as its PasswordExecCommand. It runs resources/cli/pgentra
// (pgentra.exe on Windows) instead: a standalone executable with its own Node 24
// (scripts/build-binary.mjs; electron/main/paths.ts).
//
// @electron/fuses is required lazily, at packaging time only: the app never loads it. 1.8.0 is
// pinned because 2.x needs Node 22. 1.8.0 does not know the newest fuse (WasmTrapHandlers), so
// strictlyRequireAllFuses cannot be used; instead every fuse we set is read back and compared.
'use strict';
const path = require('node:path');

// The wire stores each fuse as an ASCII digit (FuseState in @electron/fuses, not exported by 1.8).
const FUSE_DISABLED = 0x30;
const FUSE_ENABLED = 0x31;

/** The fuse table, by FuseV1Options name. */
function wantedFuses(platform, env) {
  return {
    RunAsNode: false,
    EnableCookieEncryption: true,
    EnableNodeOptionsEnvironmentVariable: false,
    // Playwright's _electron driver needs the inspector: test builds set PGENTRA_E2E_BUILD=1.
    EnableNodeCliInspectArguments: env.PGENTRA_E2E_BUILD === '1',
    // Electron supports ASAR integrity on macOS and Windows only; on Linux the fuse would do nothing.
    EnableEmbeddedAsarIntegrityValidation: platform === 'darwin' || platform === 'win32',
    OnlyLoadAppFromAsar: true,
    LoadBrowserProcessSpecificV8Snapshot: false,
    // On while the window loads from file:// (an app:// protocol handler would allow turning it off).
    GrantFileProtocolExtraPrivileges: true,
  };
}

function electronBinary(context) {
  const { electronPlatformName: platform, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  if (platform === 'darwin' || platform === 'mas') return path.join(appOutDir, `${name}.app`);
  if (platform === 'win32') return path.join(appOutDir, `${name}.exe`);
  return path.join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } = require('@electron/fuses');
  const platform = context.electronPlatformName;
  const binary = electronBinary(context);
  const wanted = wantedFuses(platform, process.env);
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: platform === 'darwin' };
  for (const [name, value] of Object.entries(wanted)) {
    if (FuseV1Options[name] === undefined) throw new Error(`@electron/fuses does not know the ${name} fuse`);
    config[FuseV1Options[name]] = value;
  }
  await flipFuses(binary, config);

  // Read back: a silently ignored fuse must fail the build, not ship.
  const wire = await getCurrentFuseWire(binary);
  const mismatches = Object.entries(wanted).filter(([name, value]) => {
    const state = wire[FuseV1Options[name]];
    return state !== (value ? FUSE_ENABLED : FUSE_DISABLED);
  });
  if (mismatches.length > 0)
    throw new Error(`fuses not set in ${binary}: ${mismatches.map(([name]) => name).join(', ')}`);
  console.log(`  • fuses set in ${path.basename(binary)}: ${JSON.stringify(wanted)}`);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.wantedFuses = wantedFuses;
module.exports.electronBinary = electronBinary;
