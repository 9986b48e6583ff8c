// HTTP helpers shared by the portal's routes: the page context, starting and ending a portal session.
import type { Request, Response } from 'express';
import type { PortalContext } from '../../web/views/portal-layout';
import type { PartnerAuth } from '../http/auth';

/** The chrome of a portal page; consumes the one-time flash message. */
export function portalContext(req: Request, res: Response, program: { publicId: string; name: string }, auth?: PartnerAuth): PortalContext {
  const flash = req.session?.flash;
  if (flash && req.session) delete req.session.flash;
  return {
    csrfToken: (res.locals.csrfToken as string | undefined) ?? '',
    program: { publicId: program.publicId, name: program.name },
    partner: auth ? { id: auth.partner.id, name: auth.partner.name, email: auth.partner.email } : undefined,
    flash,
    path: req.path,
  };
}

/**
 * A fresh session holding only the partner (a new id defeats fixation, and whatever merchant login the
 * browser had is dropped: one session is either a merchant's or a partner's, never both).
 */
export function startPartnerSession(req: Request, partnerId: string): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.partnerId = partnerId;
      req.session.save((e) => (e ? reject(e) : resolve()));
    }),
  );
}

export function endSession(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.destroy((err) => {
      if (err) return reject(err);
      res.clearCookie('refcut.sid');
      resolve();
    }),
  );
}

export function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.type('text/csv; charset=utf-8').send(body);
}
