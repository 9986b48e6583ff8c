/** One page of a server-paginated list. */
export interface Paged<T> {
  data: T[];
  total: number;
  page: number;
  pages: number;
  limit: number;
}

/** Previous/next links that keep the current filters. */
export function Pager(props: { base: string; params: Record<string, string | undefined>; page: number; pages: number; total: number }) {
  if (props.pages <= 1) return <p class="muted">{props.total} in total</p>;
  const href = (page: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.params)) if (v) q.set(k, v);
    q.set('page', String(page));
    return `${props.base}?${q.toString()}`;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 1 ? <a href={href(props.page - 1)} rel="prev">← Previous</a> : null}
      <span class="muted">
        Page {props.page} of {props.pages} · {props.total} in total
      </span>
      {props.page < props.pages ? <a href={href(props.page + 1)} rel="next">Next →</a> : null}
    </nav>
  );
}

/** A "Download CSV" link for the list as filtered (every page, not just this one). */
export function CsvLink(props: { href: string; params?: Record<string, string | undefined> }) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(props.params ?? {})) if (v) q.set(k, v);
  const qs = q.toString();
  return (
    <a class="csv-link" href={qs ? `${props.href}?${qs}` : props.href} download>
      Download CSV
    </a>
  );
}
