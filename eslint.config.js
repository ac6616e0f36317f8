// Layer rules from ../shared/design.md: core never sees Electron or the DOM, shared sees nothing
// platform-specific, the renderer only sees shared, main and cli compose core (never the reverse).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'crypto', 'http', 'https'];

// `paths` match module names exactly (so `electron` is the package, not our electron/ folder).
const restrict = (patterns, paths = []) => ({
  'no-restricted-imports': ['error', { patterns, paths }],
});
const electronPackage = [
  { name: 'electron', message: 'only electron/main and electron/preload may import Electron.' },
];

// A file's runtime shows in its name: only `*.electron.ts` files (the entries that hand the real
// modules on) load Electron at run time. Every other file imports Electron's types at most and takes
// the modules as arguments, so it runs, and is tested, under plain Node. Loading a `*.electron`
// module would load Electron too, so that counts as well.
const electronAtRunTime =
  'only *.electron.ts files load Electron at run time; import its types, take the modules as arguments.';
const electronOnlyInElectronFiles = {
  files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
  ignores: ['**/*.electron.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'electron', allowTypeImports: true, message: electronAtRunTime }],
        patterns: [
          {
            group: ['**/*.electron', '**/*.electron.js'],
            allowTypeImports: true,
            message: electronAtRunTime,
          },
        ],
      },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "ImportExpression[source.value='electron']", message: electronAtRunTime },
      {
        selector: "CallExpression[callee.name='require'][arguments.0.value='electron']",
        message: electronAtRunTime,
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'out',
      'release',
      'coverage',
      'test-results',
      'playwright-report',
      '.testbed',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      'no-console': 'off',
    },
  },
  electronOnlyInElectronFiles,
  {
    files: ['electron/core/**'],
    rules: restrict(
      [
        { group: ['react', 'react-dom', 'react/*'], message: 'core has no UI.' },
        {
          group: ['**/main/**', '**/cli/**', '**/renderer/**', '**/preload/**'],
          message: 'main and cli compose core, never the reverse.',
        },
      ],
      electronPackage,
    ),
  },
  {
    files: ['electron/shared/**'],
    rules: restrict(
      [
        { group: nodeBuiltins, message: 'shared is platform-free: types and zod schemas only.' },
        {
          group: ['**/core/**', '**/main/**', '**/cli/**', '**/renderer/**', '**/preload/**'],
          message: 'shared imports nothing of ours.',
        },
      ],
      electronPackage,
    ),
  },
  {
    files: ['renderer/src/**'],
    rules: restrict(
      [
        { group: nodeBuiltins, message: 'the renderer is sandboxed: no Node.' },
        {
          group: [
            '**/electron/core/**',
            '**/electron/main/**',
            '**/electron/cli/**',
            '**/electron/preload/**',
          ],
          message: 'the renderer only imports electron/shared.',
        },
      ],
      electronPackage,
    ),
  },
  {
    files: ['electron/cli/**'],
    rules: restrict(
      [{ group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'the CLI composes core only.' }],
      electronPackage,
    ),
  },
  {
    files: ['electron/preload/**'],
    rules: restrict([
      {
        group: ['**/core/**', '**/main/**', '**/cli/**', '**/renderer/**'],
        message: 'preload only bridges the shared contract.',
      },
    ]),
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', '*.js', '*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
