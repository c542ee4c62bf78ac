import { z } from 'zod';
import { fileSchema } from './schema.ts';

/** JSON Schema of one configuration file, for editors (yaml-language-server) to complete and check. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(fileSchema, {
    io: 'input', target: 'draft-2020-12',
    // A contact's address may be at a Cyrillic or accented domain (ion@почта.рф, ion@bălți.md, schema.ts): "email" is ASCII
    // only to an editor's validator, which flagged what touchbase takes.
    override: (ctx) => {
      const json = ctx.jsonSchema as { format?: string; pattern?: string };
      if (json.format === 'email' && json.pattern?.includes('Script=Cyrillic')) json.format = 'idn-email';
    },
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://touchbase.example/schema/touchbase.schema.json',
    title: 'touchbase configuration file',
    description: 'Any subset of the sections; lists from several files are joined, settings appears once.',
  };
}
