import type { AppContext } from '../deps';
import type { RouteDef } from '../http/routes';

export function connectRoutes(_ctx: AppContext): RouteDef[] {
  return [];
}
