import { Layout } from '../layout';
import type { PageContext } from '../context';

export function ErrorPage(props: { ctx: PageContext; status: number; title: string; message: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title} bare>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Back to the start</a>
      </p>
    </Layout>
  );
}
