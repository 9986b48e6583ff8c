import type { ZodError } from 'zod';
import type { ErrorCode } from './error-codes';

/** The one error type the app throws on purpose. The error handler turns it into JSON or a page. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly param?: string,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (code: ErrorCode, message: string, param?: string) => new AppError(404, code, message, param);
export const badRequest = (message: string, param?: string) => new AppError(400, 'invalid_request', message, param);
export const forbidden = (message = 'You do not have permission to do that.') => new AppError(403, 'forbidden', message);

/** First issue of a zod error as an AppError (400) naming the field, in the API's camelCase path. */
export function fromZodError(error: ZodError): AppError {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  let message = issue?.message ?? 'Invalid request.';
  if (issue?.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    return new AppError(400, 'invalid_request', `Unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}.`, keys[0]);
  }
  if (param && !message.toLowerCase().includes(param.toLowerCase())) message = `${param}: ${message}`;
  return new AppError(400, 'invalid_request', message, param);
}

/** Field → message map for re-rendering a form next to its inputs. */
export function fieldErrors(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}
