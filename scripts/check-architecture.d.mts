// Types for check-architecture.mjs, so its unit test (test/unit/scripts/check-architecture.test.ts) calls
// the checker's own functions under strict TypeScript.
export declare const PRODUCTION_ROOTS: string[];
export declare const MAX_LINES: number;

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}
export interface Hop {
  from: string;
  to: string;
  typeOnly: boolean;
}
export interface Cycle {
  /** Every file of the tangle, sorted. */
  files: string[];
  /** One concrete loop through it, starting and ending at files[0]. */
  hops: Hop[];
}
export interface OversizedFile {
  file: string;
  lines: number;
}
export interface ArchitectureResult {
  files: number;
  imports: number;
  typeOnlyImports: number;
  cycles: Cycle[];
  oversized: OversizedFile[];
  maxLines: number;
}
/** file → (imported file → whether every import between them is type-only) */
export type ImportGraph = Map<string, Map<string, boolean>>;

export declare function listProductionFiles(root: string, roots?: string[]): string[];
export declare function importsOf(fileName: string, text: string): ImportRef[];
export declare function importGraph(root: string, files: string[]): ImportGraph;
export declare function findCycles(graph: ImportGraph): Cycle[];
export declare function findOversizedFiles(root: string, files: string[], maxLines?: number): OversizedFile[];
export declare function checkArchitecture(options: {
  root: string;
  roots?: string[];
  maxLines?: number;
}): ArchitectureResult;
export declare function formatReport(result: ArchitectureResult): { ok: boolean; text: string };
