import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON line per event. Secrets are redacted by path so a careless log call cannot leak them. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["stripe-signature"]',
          'res.headers["set-cookie"]',
          'password',
          '*.password',
          'apiKey',
          '*.apiKey',
          'secret',
          '*.secret',
          'token',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
