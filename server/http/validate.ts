import type { z } from 'zod';
import { fromZodError } from './errors';

/** Parse untrusted input with a schema; throws a 400 AppError naming the first bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}
