import type { AppContext } from '../deps';
import type { Job } from '../jobs';

export function stripeJobs(_ctx: AppContext): Job[] {
  return [];
}
