// Lint: typescript-eslint's strict rules, the security rules of this project, and the layer
// boundaries of DESIGN.md ("dependencies point inward"), which name the forbidden import found.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (from, forbidden, why) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((target) => ({
          group: [`**/${target}/**`, `**/${target}.js`],
          message: `layer boundary: src/${from} must not import src/${target} (${why})`,
        })),
      },
    ],
  },
});

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
  layer(
    'domain',
    ['crypto', 'ports', 'services', 'adapters', 'http', 'cli', 'config', 'rampart', 'serve'],
    'domain is pure: no I/O, no framework',
  ),
  layer('crypto', ['ports', 'services', 'adapters', 'http', 'cli', 'rampart', 'serve'], 'crypto wraps libraries only'),
  layer('ports', ['services', 'adapters', 'http', 'cli', 'rampart', 'serve'], 'ports are interfaces the services own'),
  layer('services', ['adapters', 'http', 'cli', 'rampart', 'serve'], 'services depend on ports only'),
  layer('adapters', ['services', 'http', 'cli', 'rampart', 'serve'], 'adapters implement ports'),
  layer('http', ['cli', 'serve', 'adapters'], 'http is an edge: it calls services and ports, never adapters'),
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
