// Types for build-binary.mjs, so the tests and the bench name the Node it embeds from one place.
/** The Node LTS the standalone binary embeds. */
export declare const NODE_VERSION: string;
/** Where the build keeps the Node it fetched from the npm registry (Linux x64). */
export declare function cachedNodeBinary(root: string): string;
