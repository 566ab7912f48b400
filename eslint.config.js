// Lint for every source file: TypeScript, Astro, React islands, the Node server
// and the tests. Import boundaries keep the layers honest (see
// docs/decisions/): pages and components never reach a feature's unchecked
// queries, components never load data, and lower layers never import higher ones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', '.astro/', 'node_modules/', 'data/', 'coverage/', 'tests/bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}', 'src/components/**/*.astro'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
