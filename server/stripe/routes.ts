import type { AppContext } from '../deps';
import type { RouteDef } from '../http/routes';

export function stripeRoutes(_ctx: AppContext): RouteDef[] {
  return [];
}
