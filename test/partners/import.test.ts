import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner } from '../helpers/partners';

let t: TestApp;
let m: SignedUpMerchant;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t);
});
afterEach(() => t.close());

/** Upload through the real form: the CSRF token is in the form's action URL (multipart is parsed after the check). */
async function upload(csv: string | Buffer, who = m) {
  const page = await who.browser.agent.get('/partners/import');
  const action = /action="(\/partners\/import\?_csrf=[0-9a-f]+)"/.exec(page.text)?.[1];
  expect(action).toBeDefined();
  return who.browser.agent.post(action!).attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv), 'partners.csv');
}

const CSV = [
  'Name,Email,Code,Status,Override,Payout Email',
  'Ada Lovelace,ada@example.com,ada,active,25%,pay@ada.test',
  'Bo Flat,BO@example.com,,pending,7.50,',
  'No Email,not-an-email,,active,,',
  'Weird Status,weird@example.com,,sleeping,,',
  'Bad Code,badcode@example.com,Bad Code!,active,,',
  'Bad Override,badover@example.com,,active,150%,',
  'Ada Again,ada@example.com,,active,,',
  'Taken Code,taken@example.com,existing-code,,,',
  '"Quoted, Name",quoted@example.com,,,,',
].join('\n');

const rowsOf = () =>
  t.db.kysely
    .selectFrom('partners')
    .select(['name', 'email', 'code', 'status', 'commissionOverrideType', 'commissionOverrideValue', 'payoutEmail'])
    .where('merchantId', '=', m.merchantId)
    .orderBy('email')
    .execute();

describe('importing partners from CSV', () => {
  it('creates the valid rows and reports each failed row with its line and reason', async () => {
    await buildPartner(t.db.kysely, m.merchantId, { name: 'Existing', email: 'existing@example.com', code: 'existing-code' });
    const res = await upload(CSV);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong>3</strong> created · <strong>0</strong> already partners (left unchanged) · <strong>6</strong> failed');
    for (const [line, reason] of [
      [4, 'email: Enter a valid email address.'],
      [5, 'Unknown status &quot;sleeping&quot;: use active, pending, paused or banned.'],
      [6, 'Code &quot;Bad Code!&quot;: Use 3–40 lower-case letters, digits or hyphens.'],
      [7, 'Override &quot;150%&quot;: Enter a percentage above 0 and at most 100, with up to two decimals.'],
      [8, 'This email is also on line 2 of this file.'],
      [9, 'Another partner of this program already uses this code.'],
    ] as const) {
      expect(res.text).toMatch(new RegExp(`<td class="num">${line}</td><td>[^<]*</td><td>${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</td>`));
    }
    const rows = await rowsOf();
    expect(rows.filter((r) => r.email !== 'existing@example.com')).toEqual([
      { name: 'Ada Lovelace', email: 'ada@example.com', code: 'ada', status: 'active', commissionOverrideType: 'percent', commissionOverrideValue: 2500, payoutEmail: 'pay@ada.test' },
      { name: 'Bo Flat', email: 'bo@example.com', code: expect.stringMatching(/^bo-flat-[a-z0-9]{4}$/), status: 'pending', commissionOverrideType: 'flat', commissionOverrideValue: 750, payoutEmail: null },
      { name: 'Quoted, Name', email: 'quoted@example.com', code: expect.stringMatching(/^quoted-name-[a-z0-9]{4}$/), status: 'active', commissionOverrideType: null, commissionOverrideValue: null, payoutEmail: null },
    ]);
    expect(await t.db.kysely.selectFrom('links').select('id').where('merchantId', '=', m.merchantId).execute()).toHaveLength(4);
    const summary = await t.db.kysely.selectFrom('auditLog').selectAll().where('action', '=', 'partners.imported').executeTakeFirstOrThrow();
    expect(JSON.parse(summary.after!)).toEqual({ created: 3, existing: 0, failed: 6 });
  });

  it('is idempotent on email: importing the same file again creates nothing and changes nothing', async () => {
    expect((await upload(CSV)).text).toContain('<strong>4</strong> created');
    const before = await rowsOf();
    await t.db.kysely.updateTable('partners').set({ status: 'banned' }).where('email', '=', 'ada@example.com').execute();
    const again = await upload(CSV);
    expect(again.text).toContain('<strong>0</strong> created · <strong>4</strong> already partners (left unchanged) · <strong>5</strong> failed');
    const after = await rowsOf();
    expect(after).toHaveLength(before.length);
    expect(after.find((r) => r.email === 'ada@example.com')!.status).toBe('banned');
  });

  it('refuses files without the required header, broken CSV, oversized files and uploads without a CSRF token', async () => {
    const noHeader = await upload('email\nx@example.com\n');
    expect(noHeader.status).toBe(400);
    expect(noHeader.text).toContain('The header must name at least the columns name and email.');
    const broken = await upload('name,email\n"unclosed,x@example.com\n');
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('The file is not valid CSV');
    const big = await upload(Buffer.alloc(1024 * 1024 + 1, 'a'));
    expect(big.status).toBe(413);
    const forged = await m.browser.agent.post('/partners/import').attach('file', Buffer.from(CSV), 'partners.csv');
    expect(forged.status).toBe(403);
    expect(await rowsOf()).toHaveLength(0);
  });
});
