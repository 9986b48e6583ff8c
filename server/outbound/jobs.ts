import type { AppContext } from '../deps';
import type { Job } from '../jobs';

export function outboundJobs(_ctx: AppContext): Job[] {
  return [];
}
