import type { ComponentChildren } from 'preact';

/** What every portal page needs: the program it belongs to, the signed-in partner (if any), the CSRF token. */
export interface PortalContext {
  csrfToken: string;
  program: { publicId: string; name: string };
  partner?: { id: string; name: string; email: string };
  flash?: { kind: 'ok' | 'error'; message: string };
  path: string;
}

export const portalBase = (ctx: { program: { publicId: string } }) => `/portal/${encodeURIComponent(ctx.program.publicId)}`;

const NAV: { href: string; label: string }[] = [
  { href: '', label: 'Overview' },
  { href: '/links', label: 'Links & clicks' },
  { href: '/customers', label: 'Customers' },
  { href: '/commissions', label: 'Commissions' },
  { href: '/payouts', label: 'Payouts & statements' },
  { href: '/deals', label: 'Deals' },
  { href: '/settings', label: 'Settings' },
];

/**
 * The partner portal's chrome, branded with the merchant's name and colour. The colour arrives as a
 * stylesheet (/portal/:id/brand.css) because the Content-Security-Policy forbids inline styles.
 */
export function PortalLayout(props: { ctx: PortalContext; title: string; children: ComponentChildren; narrow?: boolean }) {
  const { ctx } = props;
  const base = portalBase(ctx);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · ${ctx.program.name} partner portal`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href={`${base}/brand.css`} />
        <script src="/static/portal.js" defer />
      </head>
      <body class="portal">
        <header class="topbar">
          <a class="brand" href={base}>
            {ctx.program.name} <span class="muted">partner portal</span>
          </a>
          {ctx.partner ? (
            <nav class="nav" aria-label="Portal">
              {NAV.map((n) => {
                const href = `${base}${n.href}`;
                const current = n.href === '' ? ctx.path === base : ctx.path.startsWith(href);
                return (
                  <a href={href} aria-current={current ? 'page' : undefined}>
                    {n.label}
                  </a>
                );
              })}
            </nav>
          ) : null}
          {ctx.partner ? (
            <div class="who">
              <span>{ctx.partner.name}</span>
              <form method="post" action={`${base}/logout`} class="inline">
                <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main class={props.narrow ? 'main narrow' : 'main'}>
          {ctx.flash ? (
            <p class={`flash ${ctx.flash.kind}`} role={ctx.flash.kind === 'error' ? 'alert' : 'status'}>
              {ctx.flash.message}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

/**
 * A value to copy (a referral link, a portal link): selectable text without JavaScript; portal.js
 * reveals the Copy button and puts the value on the clipboard.
 */
export function CopyField(props: { id: string; value: string; label: string }) {
  return (
    <span class="copy-field">
      <input id={props.id} class="copy-source" type="text" readOnly value={props.value} aria-label={props.label} />{' '}
      <button type="button" class="copy" data-copy={props.id} hidden>
        Copy
      </button>
    </span>
  );
}
