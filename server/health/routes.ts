import { ping } from '../../db';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';

export function healthRoutes({ db, logger, redis }: AppContext): RouteDef[] {
  return [
    route('get', '/healthz', 'redirect', async (_req, res) => {
      try {
        await ping(db.kysely);
        // Sessions and rate limits need Redis when it is configured: without it this process cannot serve pages.
        if (redis) await redis.client.ping();
        res.json({ status: 'ok' });
      } catch (err) {
        logger.error({ err }, 'health check failed');
        res.status(503).json({ status: 'unavailable' });
      }
    }),
  ];
}
