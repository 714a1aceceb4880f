// The layer rule of DESIGN.md §2: an arrow means "may import". Checked in CI by `npm run deps`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'core/ imports nothing outside core/ but its parsing libraries and pure node builtins.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        pathNot: [
          '^src/core/',
          '^(node:)?(crypto|util)$',
          'node_modules/(zod|yaml|unified|remark-parse|remark-gfm|mdast-util-[^/]+|unist-util-[^/]+|micromark[^/]*|semver|fastest-levenshtein|@types/)',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'core-no-io-builtins',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(crypto|util)$' },
    },
    {
      name: 'only-store-speaks-sql',
      comment: 'Only store/ imports kysely or a database driver.',
      severity: 'error',
      from: { pathNot: '^src/store/' },
      to: { path: 'node_modules/(kysely|pg|pg-[^/]+)/|^(node:)?sqlite$' },
    },
    {
      name: 'checks-layer',
      severity: 'error',
      from: { path: '^src/checks/' },
      to: { path: '^src/(store|service|server|client|cli|jobs|notify)/' },
    },
    {
      name: 'store-layer',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(checks|service|server|client|cli|jobs|notify|api)/' },
    },
    {
      name: 'service-layer',
      severity: 'error',
      from: { path: '^src/service/' },
      to: { path: '^src/(checks|server|client|cli)/' },
    },
    {
      name: 'jobs-layer',
      comment:
        'jobs/ (the scheduler) imports core/, checks/ (a watch measures with them) and, as types, the service it is handed and the store queue it runs on.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(server|client|cli|api|notify)/' },
    },
    {
      name: 'jobs-take-store-and-service-as-types',
      comment: 'The caller builds the store and the services; jobs/ only names their types.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(store|service)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-jobs-speaks-to-graphile-worker',
      comment:
        'graphile-worker keeps its queue in its own schema (graphile_worker): only the PostgreSQL scheduler uses it.',
      severity: 'error',
      from: { pathNot: '^src/jobs/jobs-graphile\\.ts$' },
      to: { path: 'node_modules/graphile-worker/' },
    },
    {
      name: 'notify-layer',
      comment:
        'notify/ (the transport: webhook, Slack, e-mail) imports core/ only; the outbox that calls it lives in service/ and jobs/.',
      severity: 'error',
      from: { path: '^src/notify/' },
      to: { path: '^src/(checks|store|service|server|client|cli|jobs|api)/' },
    },
    {
      name: 'only-notify-sends',
      comment: 'Only notify/ speaks SMTP (nodemailer) and signs webhooks (standardwebhooks).',
      severity: 'error',
      from: { pathNot: '^src/notify/' },
      to: { path: 'node_modules/(nodemailer|standardwebhooks|smtp-server)/' },
    },
    {
      name: 'api-layer',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(checks|store|service|server|client|cli|jobs|notify)/' },
    },
    {
      name: 'client-layer',
      severity: 'error',
      comment:
        'client/ imports api/ and core/, and the ReleaseService interface it implements (types only).',
      from: { path: '^src/client/' },
      to: {
        path: '^src/(checks|store|service|server|cli|jobs|notify)/',
        pathNot: '^src/service/service-contract\\.ts$',
      },
    },
    {
      name: 'client-takes-the-contract-as-types',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/service/service-contract\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-layer',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/(checks|store|client|cli)/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'web-speaks-only-the-api',
      comment:
        'web/src/ (the browser app) imports web/, its npm packages and the HTTP contract in src/api/ only.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { pathNot: ['^web/', '^src/api/', 'node_modules/'] },
    },
    {
      name: 'web-takes-the-api-as-types',
      comment: 'Types only: zod and the schemas stay out of the browser bundle.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^src/api/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
