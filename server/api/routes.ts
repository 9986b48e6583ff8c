import type { AppContext } from '../deps';
import type { RouteDef } from '../http/routes';

export function apiRoutes(_ctx: AppContext): RouteDef[] {
  return [];
}
