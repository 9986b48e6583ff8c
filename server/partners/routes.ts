import type { AppContext } from '../deps';
import type { RouteDef } from '../http/routes';

export function partnerRoutes(_ctx: AppContext): RouteDef[] {
  return [];
}
