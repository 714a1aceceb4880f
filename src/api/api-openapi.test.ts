import { describe, expect, it } from 'vitest';
import { httpStatusOf } from './api-errors.ts';
import { createOpenApiDocument } from './api-openapi.ts';
import { apiBase, apiRoutes, errorCodesOf, fillApiPath, pathParamsOf } from './api-routes.ts';

type Json = Record<string, unknown>;
const doc = createOpenApiDocument();

/** Every value under `node` with its JSON pointer. */
function* walk(node: unknown, pointer = ''): Generator<[string, unknown]> {
  yield [pointer, node];
  if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node))
      yield* walk(v, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
}

function resolve(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method, op: op as Json })),
);

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the parts a document needs', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'gonogo' });
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(doc.components.securitySchemes as Json).sort()).toEqual([
      'bearer',
      'session',
    ]);
  });

  it('resolves every $ref, and no schema carries an $id or $schema of its own', () => {
    const refs = [...walk(doc)].filter(([p]) => p.endsWith('/$ref'));
    expect(refs.length).toBeGreaterThan(100);
    for (const [pointer, ref] of refs)
      expect(resolve(ref as string), `${pointer} → ${String(ref)}`).toBeDefined();
    const marks = [...walk(doc.components.schemas)].filter(
      ([p]) => p.endsWith('/$id') || p.endsWith('/$schema'),
    );
    expect(marks).toEqual([]);
  });

  it('uses every component schema somewhere', () => {
    const used = new Set(
      [...walk(doc)].filter(([p]) => p.endsWith('/$ref')).map(([, ref]) => ref as string),
    );
    const unused = Object.keys(doc.components.schemas).filter(
      (id) => !used.has(`#/components/schemas/${id}`),
    );
    expect(unused).toEqual([]);
  });

  it('has every route of the table once, with a unique operationId', () => {
    expect(operations).toHaveLength(apiRoutes.length);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of apiRoutes) {
      const op = doc.paths[apiBase + route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op!.operationId).toBe(route.operationId);
      expect(op!.security).toEqual(route.auth === 'none' ? [] : [{ bearer: [] }, { session: [] }]);
    }
  });

  it('declares every path parameter of every operation, and no other', () => {
    for (const { path, method, op } of operations) {
      const declared = ((op.parameters as Json[] | undefined) ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => {
          expect(p.required, `${method} ${path} ${String(p.name)}`).toBe(true);
          return p.name;
        });
      expect(declared, `${method} ${path}`).toEqual(pathParamsOf(path));
    }
  });

  it('answers each error status of a route with the error envelope', () => {
    const envelope = resolve('#/components/responses/Error') as Json;
    expect(JSON.stringify(envelope)).toContain('#/components/schemas/ApiError');
    for (const route of apiRoutes) {
      const op = doc.paths[apiBase + route.path]![route.method]!;
      const statuses = Object.keys(op.responses as Json);
      expect(statuses).toContain(String(route.status));
      for (const code of errorCodesOf(route))
        expect(
          (op.responses as Json)[String(httpStatusOf(code))],
          `${route.operationId} ${code}`,
        ).toEqual({ $ref: '#/components/responses/Error' });
      // Every request body and 2xx body is a named component.
      expect(JSON.stringify(op.requestBody ?? {})).not.toMatch(/"type"/);
    }
  });

  it('describes strict requests as closed and responses as open to additions', () => {
    const schemas = doc.components.schemas;
    expect(schemas.SignRequest).toMatchObject({ additionalProperties: false });
    expect(schemas.ItemActionRequest).toMatchObject({ additionalProperties: false });
    expect(schemas.Release).not.toHaveProperty('additionalProperties');
    expect(schemas.ItemActionRequest).toMatchObject({
      properties: { note: { maxLength: 4000 }, refs: { maxItems: 500 } },
    });
    expect(schemas.ReleaseView).toMatchObject({ description: expect.stringContaining('release') });
  });

  it('marks the release writes that take If-Match and the state-changing ones for CSRF', () => {
    const sign = doc.paths[`${apiBase}/projects/{project}/releases/{version}/signoffs`]!.post!;
    const names = (sign.parameters as Json[]).map((p) => p.name);
    expect(names).toEqual(['project', 'version', 'If-Match', 'X-CSRF-Token']);
    const health = doc.paths[`${apiBase}/health`]!.get!;
    expect(health.parameters).toBeUndefined();
  });

  it('is JSON and the same every time it is made', () => {
    const text = JSON.stringify(doc);
    expect(JSON.parse(text)).toEqual(doc);
    expect(JSON.stringify(createOpenApiDocument())).toBe(text);
  });
});

describe('fillApiPath', () => {
  it('percent-encodes each parameter as one segment', () => {
    expect(
      fillApiPath('/projects/{project}/releases/{version}', {
        project: 'github.com/acme/app',
        version: '1.4.0',
      }),
    ).toBe('/api/v1/projects/github.com%2Facme%2Fapp/releases/1.4.0');
    expect(() => fillApiPath('/projects/{project}', {})).toThrow(/project/);
  });
});
