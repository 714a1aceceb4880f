/**
 * The registry of named API schemas: every schema added here becomes one entry of the OpenAPI
 * document's `components/schemas`, referred to by `$ref` wherever it is used. A registry of our
 * own rather than zod's global one, so schemas named elsewhere (playbook parsing) stay out.
 */
import { z } from 'zod';

/** What a named schema carries into the OpenAPI document. */
export interface ApiSchemaMeta {
  /** The component name, `Release`, `SignRequest`. */
  id: string;
  description?: string;
}

export const apiRegistry = z.registry<ApiSchemaMeta>();

/**
 * Registers `schema` as the component `id` and returns it, so a declaration reads as one line.
 *
 * @example export const blockerSchema = named('Blocker', z.object({ kind: z.string() }));
 */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiRegistry.add(schema, description === undefined ? { id } : { id, description });
  // Descriptions are read from zod's global registry (where `.describe()` puts them too).
  if (description !== undefined) z.globalRegistry.add(schema, { description });
  return schema;
}
