import type { Role } from '../../db/schema';

/** What every page needs to draw the chrome: who is looking, and the CSRF token for its forms. */
export interface PageContext {
  csrfToken: string;
  user?: { id: string; name: string; email: string };
  merchant?: { id: string; name: string };
  role?: Role;
  /** The merchant ids/names this user belongs to, for the account switcher. */
  memberships?: { merchantId: string; name: string }[];
  flash?: { kind: 'ok' | 'error'; message: string };
  /** Current path, to highlight navigation. */
  path: string;
}
