import { Layout } from '../layout';
import type { PageContext } from '../context';

export interface ChecklistItem {
  done: boolean;
  label: string;
  href: string;
}

/** The merchant's home. Later issues add the overview numbers and charts above the checklist. */
export function DashboardPage(props: { ctx: PageContext; checklist: ChecklistItem[]; sections?: preact.ComponentChildren }) {
  const remaining = props.checklist.filter((c) => !c.done);
  return (
    <Layout ctx={props.ctx} title="Overview">
      <h1>{props.ctx.merchant?.name}</h1>
      {remaining.length > 0 ? (
        <section class="card">
          <h2>Getting started</h2>
          <ol class="checklist">
            {props.checklist.map((c) => (
              <li class={c.done ? 'done' : ''}>
                {c.done ? '✓ ' : ''}
                <a href={c.href}>{c.label}</a>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {props.sections}
    </Layout>
  );
}
