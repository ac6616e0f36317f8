// Loads the standalone binary's full CLI (binary-cli.ts) from the executable's assets, with the V8
// code cache made for it at build time. Outside a single executable (the bundles run by Node, as
// the build's own check does) it is the file beside this one.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as sea from 'node:sea';
import vm from 'node:vm';
import type * as FullCli from './binary-cli.js';

type FullCliModule = typeof FullCli;

export const FULL_CLI_ASSET = 'cli.cjs';
export const FULL_CLI_CACHE_ASSET = 'cli.cache';

let loaded: FullCliModule | undefined;

/**
 * The full CLI's source in the CommonJS wrapper Node puts around a module. The build makes the code
 * cache with this same function (scripts/build-binary.mjs), so V8 accepts it at run time.
 */
export function compileFullCli(source: string, filename: string, cachedData?: Buffer): vm.Script {
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    ...(cachedData ? { cachedData } : {}),
  });
}

export function loadFullCli(): FullCliModule {
  if (loaded) return loaded;
  // In a single executable this file is the executable: native packages sit in node_modules beside it.
  const here = import.meta.filename;
  const requireBeside = createRequire(here);
  if (!sea.isSea()) {
    loaded = requireBeside(path.join(path.dirname(here), FULL_CLI_ASSET)) as FullCliModule;
    return loaded;
  }
  const script = compileFullCli(
    sea.getAsset(FULL_CLI_ASSET, 'utf8'),
    path.join(path.dirname(here), FULL_CLI_ASSET),
    Buffer.from(sea.getAsset(FULL_CLI_CACHE_ASSET)),
  );
  const module = { exports: {} as FullCliModule };
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  body(module.exports, requireBeside, module, here, path.dirname(here));
  loaded = module.exports;
  return loaded;
}
