// The app's route table: every feature's routes, in one list the app mounts and the tests read.
import type { AppDeps } from './deps';
import type { RouteDef } from './http/routes';
import { healthRoutes } from './health/routes';
import { accountRoutes } from './accounts/routes';

export function allRoutes(deps: AppDeps): RouteDef[] {
  return [...healthRoutes(deps), ...accountRoutes(deps)];
}
