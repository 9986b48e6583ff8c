import { buildTestAppWithStripe } from '../helpers/stripe';
import { buildTenant } from './world';
it('builds', async () => {
  const t = await buildTestAppWithStripe();
  const a = await buildTenant(t, 'Alpha');
  console.log(a.ids);
  await a.receiver.close();
  await t.close();
}, 60000);
