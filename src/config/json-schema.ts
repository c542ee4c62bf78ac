import { z } from 'zod';
import { fileSchema } from './schema.ts';

/** JSON Schema of one configuration file, for editors (yaml-language-server) to complete and check. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(fileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://touchbase.example/schema/touchbase.schema.json',
    title: 'touchbase configuration file',
    description: 'Any subset of the sections; lists from several files are joined, settings appears once.',
  };
}
