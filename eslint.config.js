// Lint: typescript-eslint's strict rules, the security rules of this project, and the module and
// layer boundaries of docs/architecture.md (eslint/boundaries.js), which name the leak found.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { boundaries } from './eslint/boundaries.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'not a CSPRNG: use crypto.randomBytes or randomUUID' },
      ],
    },
  },
  // Module and layer boundaries (eslint/boundaries.js): each message names the leak.
  {
    files: ['src/**/*.ts'],
    plugins: { rampart: boundaries },
    rules: { 'rampart/boundaries': 'error' },
  },
  // DESIGN.md principle 3: a TenantScope is a capability only the authorization layer mints.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/kernel/http/chain/authorization.ts', 'src/kernel/domain/tenant-scope.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='mintTenantScope'], MemberExpression[property.name='mintTenantScope']",
          message: 'tenant scope: only src/kernel/http/chain/authorization.ts (and tests) may mint a TenantScope',
        },
        {
          selector:
            "TSAsExpression > TSTypeReference[typeName.name='TenantScope'], TSTypeAssertion > TSTypeReference[typeName.name='TenantScope']",
          message: 'tenant scope: a TenantScope is minted by the authorization layer, never cast from another value',
        },
      ],
    },
  },
);
