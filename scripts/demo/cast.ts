// Who is in the demo story: the merchant, its partners (each with an audience and a currency), what it
// sells, and where visitors come from. Plain data; the generators in clicks.ts and history.ts read it.
import type { PartnerInput } from '../../server/partners/schema';

export const DEMO_MERCHANT = {
  name: 'Acme Analytics',
  email: 'demo@refcut.dev',
  password: 'refcut-demo-2026',
} as const;

/** The connected Stripe account (test mode). Fixed, so reconnecting in the demo finds the same history. */
export const DEMO_ACCOUNT = 'acct_1AcmeAnalyticsDemo';

/** The program the demo merchant runs: what the settings form would receive. */
export const DEMO_PROGRAM = {
  commissionType: 'percent',
  commissionValue: '20',
  durationType: 'months',
  durationValue: '12',
  cookieDays: '60',
  attributionModel: 'last_click',
  holdingDays: '30',
  minPayout: '50.00',
  currency: 'usd',
  platformFee: '0',
  // The example store (examples/store) listens here, so a referral link can be followed end to end.
  destinationUrl: 'http://localhost:4242/',
  extraMetadataKeys: '',
  timeZone: 'America/New_York',
  brandColor: '#0e7490',
} as const;

export interface CastPartner {
  input: PartnerInput;
  /** When the partner joined the program; their traffic starts then. */
  joinedDaysAgo: number;
  /** Relative share of the program's traffic. */
  traffic: number;
  /** Share of human clicks that become a paying customer. */
  conversion: number;
  /** Share of this partner's buyers who pay in euros. */
  euro: number;
  /** Where this partner's visitors come from (null: no Referer header, e.g. apps and email clients). */
  referrers: readonly (string | null)[];
  /** Extra campaign links besides the default one. */
  campaigns?: readonly string[];
  /** Visitors who arrive with the partner code (`?via=`) rather than a click id. */
  viaCode?: number;
}

export const CAST: readonly CastPartner[] = [
  {
    input: { name: 'Maya Chen', email: 'maya@mayachen.tv', code: 'maya', payoutEmail: 'payouts@mayachen.tv' },
    joinedDaysAgo: 95,
    traffic: 26,
    conversion: 0.045,
    euro: 0.05,
    referrers: ['https://www.youtube.com/', 'https://www.youtube.com/', 'https://m.youtube.com/', null],
    campaigns: ['youtube-review', 'shorts'],
  },
  {
    input: { name: 'Leo Martins', email: 'leo@indieweekly.io', code: 'leo' },
    joinedDaysAgo: 93,
    traffic: 14,
    conversion: 0.06,
    euro: 0.1,
    referrers: [null, null, 'https://indieweekly.io/issues/212', 'https://mail.google.com/'],
    campaigns: ['newsletter'],
  },
  {
    input: { name: 'Growth Garage', email: 'partners@growthgarage.agency', code: 'growth-garage', commissionOverride: { type: 'percent', value: 3000 } },
    joinedDaysAgo: 90,
    traffic: 8,
    conversion: 0.09,
    euro: 0.2,
    referrers: ['https://growthgarage.agency/stack', 'https://www.linkedin.com/', null],
  },
  {
    input: { name: 'Priya Nair', email: 'priya@datadriven.blog', code: 'priya' },
    joinedDaysAgo: 88,
    traffic: 11,
    conversion: 0.035,
    euro: 0,
    referrers: ['https://datadriven.blog/best-analytics-tools', 'https://www.google.com/', 'https://duckduckgo.com/'],
    viaCode: 0.3,
  },
  {
    input: { name: 'Jonas Weber', email: 'jonas@weber-digital.de', code: 'jonas' },
    joinedDaysAgo: 84,
    traffic: 9,
    conversion: 0.04,
    euro: 0.85,
    referrers: ['https://weber-digital.de/tools', 'https://www.google.de/', null],
  },
  {
    input: { name: 'Camille Durand', email: 'camille@lesoutils.fr', code: 'camille', payoutEmail: 'compta@lesoutils.fr' },
    joinedDaysAgo: 79,
    traffic: 7,
    conversion: 0.045,
    euro: 0.9,
    referrers: ['https://lesoutils.fr/analytics', 'https://www.google.fr/', 'https://www.linkedin.com/'],
  },
  {
    input: { name: 'Sam Okafor', email: 'sam@okafor.dev', code: 'sam' },
    joinedDaysAgo: 74,
    traffic: 10,
    conversion: 0.02,
    euro: 0.05,
    referrers: ['https://t.co/', 'https://t.co/', 'https://x.com/', 'https://bsky.app/'],
    viaCode: 0.2,
  },
  {
    input: { name: 'Dev Tools Digest', email: 'hello@devtoolsdigest.com', code: 'devtools-digest', commissionOverride: { type: 'percent', value: 2500 } },
    joinedDaysAgo: 68,
    traffic: 6,
    conversion: 0.05,
    euro: 0.15,
    referrers: [null, 'https://devtoolsdigest.com/archive', 'https://news.ycombinator.com/'],
  },
  {
    input: { name: 'Ana Souza', email: 'ana@podcastdedados.com.br', code: 'ana' },
    joinedDaysAgo: 61,
    traffic: 4,
    conversion: 0.04,
    euro: 0,
    referrers: ['https://open.spotify.com/', 'https://podcasts.apple.com/', null],
  },
  {
    input: { name: 'Tom Becker', email: 'tom.becker@fastmail.com', code: 'tom' },
    joinedDaysAgo: 52,
    traffic: 3,
    conversion: 0.012,
    euro: 0.3,
    referrers: ['https://www.reddit.com/r/analytics/', 'https://old.reddit.com/', null],
  },
  {
    input: { name: 'Nina Petrova', email: 'nina@metricsmonthly.com', code: 'nina', status: 'paused' },
    joinedDaysAgo: 91,
    traffic: 2,
    conversion: 0,
    euro: 0,
    referrers: ['https://metricsmonthly.com/', null],
  },
  {
    input: { name: 'Chris Lee', email: 'chris@lee.consulting', code: 'chris' },
    joinedDaysAgo: 26,
    traffic: 1.5,
    conversion: 0.03,
    euro: 0,
    referrers: ['https://lee.consulting/resources', null],
  },
];

/** People who asked to join and wait for the merchant's decision. */
export const APPLICANTS = [
  { name: 'Rita Gomez', email: 'rita@saasreviews.co', company: 'SaaS Reviews', website: 'https://saasreviews.co', reason: 'I review analytics tools for 40k monthly readers and would like to feature Acme.' },
  { name: 'Kenji Sato', email: 'kenji@growthloops.jp', company: '', website: 'https://growthloops.jp', reason: 'Japanese growth newsletter, 8k subscribers.' },
  { name: 'Olivia Brown', email: 'olivia@brownconsulting.io', company: 'Brown Consulting', website: 'https://brownconsulting.io', reason: 'We set up analytics for e-commerce clients every month.' },
] as const;

/** Leads partners registered in the portal (deal registration): partner code, days ago, and the merchant's answer. */
export const DEALS = [
  { partner: 'leo', daysAgo: 12, email: 'ops@northwind.co', name: 'Northwind Co', notes: 'Agency with 40 client sites; wants the Team plan after their trial.', accept: true },
  { partner: 'growth-garage', daysAgo: 6, email: 'it@kaffeehaus.de', name: 'Kaffeehaus GmbH', notes: 'Moving off Google Analytics this quarter.', accept: false },
  { partner: 'priya', daysAgo: 2, email: 'cto@bluefin.dev', name: 'Bluefin Labs', notes: '', accept: false },
] as const;

export interface Plan {
  name: string;
  kind: 'subscription' | 'one_off';
  currency: 'usd' | 'eur';
  /** Minor units. */
  amount: number;
  /** Relative popularity among buyers paying in this currency. */
  weight: number;
}

export const PLANS: readonly Plan[] = [
  { name: 'Starter (monthly)', kind: 'subscription', currency: 'usd', amount: 1900, weight: 30 },
  { name: 'Pro (monthly)', kind: 'subscription', currency: 'usd', amount: 4900, weight: 35 },
  { name: 'Team (monthly)', kind: 'subscription', currency: 'usd', amount: 14900, weight: 6 },
  { name: 'Lifetime license', kind: 'one_off', currency: 'usd', amount: 24900, weight: 14 },
  { name: 'Setup workshop', kind: 'one_off', currency: 'usd', amount: 49900, weight: 3 },
  { name: 'Starter (monthly)', kind: 'subscription', currency: 'eur', amount: 1900, weight: 30 },
  { name: 'Pro (monthly)', kind: 'subscription', currency: 'eur', amount: 4500, weight: 35 },
  { name: 'Lifetime license', kind: 'one_off', currency: 'eur', amount: 22900, weight: 14 },
];

/** What a euro settled at in the merchant's USD balance, around the demo's time. */
export const EUR_USD = 1.0825;

export const HUMAN_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
] as const;

/** Crawlers and link-preview fetchers: recorded as bots and left out of click counts. */
export const BOT_AGENTS = [
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  'Twitterbot/1.0',
  'python-requests/2.32.3',
] as const;

export const FIRST_NAMES = ['Alex', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn', 'Harper', 'Lena', 'Mateo', 'Sofia', 'Lukas', 'Emma', 'Noah', 'Mia', 'Elias', 'Chloé', 'Hugo', 'Aisha', 'Omar', 'Yuki', 'Ravi'] as const;
export const LAST_NAMES = ['Smith', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Kowalski', 'Johansson', 'Silva', 'Kim', 'Patel', 'Nguyen', 'Hughes', 'Schmidt', 'Moreau', 'Fischer', 'Novak', 'Okoye', 'Tanaka'] as const;
export const COMPANY_DOMAINS = ['gmail.com', 'outlook.com', 'proton.me', 'shopwave.io', 'northwind.co', 'bluefin.dev', 'kaffeehaus.de', 'lumiere.fr', 'brightpath.com', 'fastmail.com'] as const;
