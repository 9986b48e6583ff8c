import type { ComponentChildren } from 'preact';
import type { PageContext } from './context';

const NAV: { href: string; label: string }[] = [
  { href: '/dashboard', label: 'Overview' },
  { href: '/partners', label: 'Partners' },
  { href: '/applications', label: 'Applications' },
  { href: '/deals', label: 'Deals' },
  { href: '/customers', label: 'Customers' },
  { href: '/commissions', label: 'Commissions' },
  { href: '/payouts', label: 'Payouts' },
  { href: '/stripe', label: 'Stripe' },
  { href: '/events', label: 'Events' },
  { href: '/settings', label: 'Settings' },
  { href: '/team', label: 'Team' },
  { href: '/settings/api-keys', label: 'Developers' },
];

export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren; bare?: boolean }) {
  const { ctx, title } = props;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Refcut`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href={ctx.user ? '/dashboard' : '/'}>Refcut</a>
          {ctx.user && ctx.merchant ? (
            <nav class="nav" aria-label="Main">
              {NAV.map((n) => (
                <a href={n.href} aria-current={ctx.path.startsWith(n.href) ? 'page' : undefined}>
                  {n.label}
                </a>
              ))}
            </nav>
          ) : null}
          <div class="who">
            {ctx.user ? (
              <>
                <span>
                  {ctx.merchant?.name} · {ctx.user.email}
                </span>
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                  <button type="submit" class="link">Log out</button>
                </form>
              </>
            ) : (
              <>
                <a href="/login">Log in</a> <a href="/signup">Sign up</a>
              </>
            )}
          </div>
        </header>
        <main class={props.bare ? 'main narrow' : 'main'}>
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
