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
