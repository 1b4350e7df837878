import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const engineFolders = [
  'common',
  'spec',
  'flops',
  'tensor',
  'gpu',
  'reference',
  'ops',
  'nn',
  'sparse',
  'models',
  'data',
  'io',
  'train',
  'worker',
  'cli',
  'bench',
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-cli',
      'node_modules',
      'public',
      'test-results',
      'playwright-report',
      'e2e/artifacts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'max-lines': ['warn', { max: 600, skipBlankLines: true, skipComments: true }],
    },
  },
  // The engine never imports React, the store or the UI (docs/architecture.md, Layering).
  {
    files: engineFolders.map((f) => `src/${f}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*', 'recharts'],
              message: 'The engine never imports UI libraries.',
            },
            {
              group: ['**/ui/**', '**/store/**'],
              message: 'The engine never imports the UI or the store.',
            },
          ],
        },
      ],
    },
  },
  // The UI never touches GPU objects, tensors or the trainer directly (types are fine).
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/gpu/**',
                '**/tensor/**',
                '**/ops/**',
                '**/nn/**',
                '**/reference/**',
                '**/train/trainer*',
                '**/train/session*',
              ],
              message: 'The UI talks to the engine through the worker client and pure planners.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
