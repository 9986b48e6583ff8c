import { safeHref } from '../render';

/**
 * What a visitor sees for an unknown or disabled referral link. Standalone (no app chrome, no
 * session): the visitor came for the merchant's site, not for Refcut's log-in links.
 */
export function LinkMissingPage(props: { siteUrl: string | null }) {
  const site = safeHref(props.siteUrl);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Link not found</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <main class="main narrow">
          <h1>This link is not active</h1>
          <p>The referral link you followed does not exist or has been switched off. Nothing is wrong on your side.</p>
          {site ? (
            <p>
              <a href={site}>Continue to {new URL(site).host}</a>
            </p>
          ) : null}
        </main>
      </body>
    </html>
  );
}
