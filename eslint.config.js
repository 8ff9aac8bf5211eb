// Lint config: typescript-eslint's type-aware recommended rules over src and test; formatting is left to Prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'test/bench/*.mjs', 'test/startup/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Node's heavier modules load when first called (src/on-first-use.ts), not when the CLI starts; the build and
    // the demo entry run once per build or job and import them as usual.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/on-first-use.ts', 'src/build/**', 'src/demo/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            'node:crypto',
            'node:child_process',
            'node:fs/promises',
            'node:readline',
            'node:readline/promises',
          ].map((name) => ({
            name,
            message: `Call it through src/on-first-use.ts, so a command that never uses ${name} never loads it.`,
            allowTypeImports: true,
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Formatting is Prettier's: no lint rule may disagree with it.
  prettier,
);
