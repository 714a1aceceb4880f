/**
 * The OpenAPI 3.1 document of the API, generated from the route table and the zod schemas (no
 * hand-written spec). OpenAPI 3.1 schemas are JSON Schema draft 2020-12, zod's default target;
 * every schema named in `apiRegistry` becomes a component referred to by `$ref`.
 */
import { z } from 'zod';
import { apiErrorSchema, httpStatusOf } from './api-errors.ts';
import { maxRequestBytes } from './api-limits.ts';
import { apiRegistry } from './api-registry.ts';
import { apiBase, apiRoutes, errorCodesOf, pathParamSchemas, pathParamsOf } from './api-routes.ts';
import type { ApiRoute } from './api-routes.ts';

type Json = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;
const jsonSchemaOptions = {
  target: 'draft-2020-12',
  // Requests and responses alike are described as a client sends or reads them.
  io: 'input',
  unrepresentable: 'any',
} as const;

/** The `$ref` to a named schema; throws for one a route uses without naming it. */
function refTo(schema: z.ZodType, where: string): Json {
  const meta = apiRegistry.get(schema);
  if (!meta) throw new Error(`${where}: the schema is not named in apiRegistry`);
  return { $ref: componentRef(meta.id) };
}

/** An unnamed schema (a parameter) inline, without the draft marker. */
function inline(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, jsonSchemaOptions) as Json;
  return rest;
}

function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(apiRegistry, {
    ...jsonSchemaOptions,
    uri: componentRef,
  }) as { schemas: Record<string, Json> };
  const out: Record<string, Json> = {};
  for (const id of Object.keys(schemas).sort()) {
    const { $schema: _s, $id: _id, id: _id2, ...rest } = schemas[id]!;
    out[id] = rest;
  }
  return out;
}

const errorResponse = { $ref: '#/components/responses/Error' };

function operationOf(route: ApiRoute): Json {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const parameters: Json[] = pathParamsOf(route.path).map((name) => {
    const schema = pathParamSchemas[name];
    if (!schema) throw new Error(`${where}: no schema for the path parameter "${name}"`);
    return { name, in: 'path', required: true, schema: inline(schema) };
  });
  for (const [name, schema] of Object.entries(route.query?.shape ?? {})) {
    const s = schema as z.ZodType;
    parameters.push({
      name,
      in: 'query',
      required: !s.safeParse(undefined).success,
      schema: inline(s),
    });
  }
  if (route.ifMatch)
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The ETag of the release as the client saw it; 409 conflict when it has moved.',
      schema: { type: 'string', pattern: '^"[0-9]+"$' },
    });
  if (route.method !== 'get' && route.auth !== 'none')
    parameters.push({
      name: 'X-CSRF-Token',
      in: 'header',
      required: false,
      description:
        'Required with a session cookie (from the session response); not with a bearer token.',
      schema: { type: 'string' },
    });

  const responses: Json = {};
  const success: Json = { description: route.summary };
  if (route.response)
    success.content = { 'application/json': { schema: refTo(route.response, where) } };
  if (route.etag)
    success.headers = {
      ETag: { description: "The release's version, for If-Match.", schema: { type: 'string' } },
    };
  responses[String(route.status)] = success;
  const statuses = [...new Set(errorCodesOf(route).map(httpStatusOf))].sort((a, b) => a - b);
  for (const status of statuses) responses[String(status)] = errorResponse;

  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-gonogo-auth': route.auth,
    'x-gonogo-mutation': route.mutation,
    'x-gonogo-error-codes': errorCodesOf(route),
    security: route.auth === 'none' ? [] : [{ bearer: [] }, { session: [] }],
  };
  if (parameters.length) op.parameters = parameters;
  if (route.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: refTo(route.body, where) } },
    };
  op.responses = responses;
  return op;
}

/**
 * The OpenAPI 3.1 document, the same for the same code (components and paths in a stable
 * order), JSON-serialisable; the server serves it at `/api/v1/openapi.json`.
 *
 * @example const doc = createOpenApiDocument(); doc.openapi // '3.1.0'
 */
export function createOpenApiDocument(info: { version?: string } = {}): Json & {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> } & Json;
} {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of apiRoutes) {
    const path = apiBase + route.path;
    paths[path] ??= {};
    if (paths[path][route.method]) throw new Error(`${route.method} ${path} is declared twice`);
    paths[path][route.method] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'gonogo',
      version: info.version ?? '1',
      description:
        `Release checklists that check themselves. Errors answer with the ApiError body; ` +
        `request bodies are at most ${maxRequestBytes} bytes (413 beyond).`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: componentSchemas(),
      responses: {
        Error: {
          description: 'An error; branch on error.code.',
          content: { 'application/json': { schema: refTo(apiErrorSchema, 'ApiError') } },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token.' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'gonogo_session',
          description: 'A browser session; state-changing requests need X-CSRF-Token too.',
        },
      },
    },
  };
}
