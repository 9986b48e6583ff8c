import type { Request, Response } from 'express';
import type { PageContext } from '../../web/views/context';
import type { MerchantAuth } from './auth';

/** Build the chrome's context for a page; consumes the one-time flash message. */
export function pageContext(req: Request, res: Response): PageContext {
  const auth = res.locals.auth as MerchantAuth | undefined;
  const flash = req.session?.flash;
  if (flash && req.session) delete req.session.flash;
  return {
    csrfToken: (res.locals.csrfToken as string | undefined) ?? '',
    user: auth?.user,
    merchant: auth?.merchant,
    role: auth?.role,
    flash,
    path: req.path,
  };
}

export function setFlash(req: Request, kind: 'ok' | 'error', message: string): void {
  if (req.session) req.session.flash = { kind, message };
}
