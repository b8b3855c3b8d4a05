// typescript-eslint's recommended rules over every TypeScript source (`npm run lint`, part of `npm test`).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
// Formatting is Prettier's (`npm run format`); this turns off the lint rules it would fight with.
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'dist-vsix/**', 'node_modules/**', '.vscode-test/**', '.e2e/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // `const { a: _a, ...rest } = x` leaves `a` out on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Walking a parent chain starts from `this` (`for (let s = this; s; s = s.parent)`).
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['s', 'node'] }],
      // Packages whose CommonJS build is loaded through require on purpose, and modules loaded on
      // first need so that the CLI starts as fast as Node itself (see the comment at each).
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^smol-toml$', '^@dagrejs/dagre$', '^@vscode/test-electron$', '^re2js$', '^\\./cliEngine$'] },
      ],
    },
  },
  {
    // Tests read JSON-RPC payloads and CLI output whose shape is what they check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
