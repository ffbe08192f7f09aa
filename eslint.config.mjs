// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules over the product,
// its tests, benchmarks and scripts. `npm run lint`; .ci/run runs it.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.test-results/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter kept for its position in a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // The webview runs in the browser.
  { files: ['webview/**'], languageOptions: { globals: { ...globals.browser } } },
  // Test harnesses run code inside pages and read loosely typed page objects.
  {
    files: ['test/**', 'bench/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
