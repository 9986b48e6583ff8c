// Background steps take turns with requests: one step per turn of the event loop, whatever job it belongs to.
import { Jobs } from '../../server/jobs';
import { createLogger } from '../../server/lib/logger';
import { backgroundTurn } from '../../server/lib/turns';

/** Counts turns of the event loop: one increment per check phase. */
function turnCounter() {
  let turn = 0;
  let on = true;
  const tick = () => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (on = false) };
}

describe('background turns', () => {
  it('let what arrived meanwhile run between two waiting steps', async () => {
    const order: string[] = [];
    const a = backgroundTurn().then(() => order.push('step a'));
    const b = backgroundTurn().then(() => order.push('step b'));
    setImmediate(() => order.push('request'));
    await Promise.all([a, b]);
    expect(order).toEqual(['step a', 'request', 'step b']);
  });

  it('give the steps of several busy jobs a turn each, never two in the same turn', async () => {
    const jobs = new Jobs(createLogger('silent'));
    const turns = turnCounter();
    const ran: { job: string; turn: number }[] = [];
    const busy = (name: string) => {
      let left = 4;
      return { name, intervalMs: 60_000, batch: 1, run: async () => (left > 0 ? (left--, ran.push({ job: name, turn: turns.now() }), 1) : 0) };
    };
    jobs.register(busy('events'), busy('emails'), busy('scan'));
    for (const name of ['events', 'emails', 'scan']) jobs.kick(name);
    for (let i = 0; i < 100 && ran.length < 12; i++) await new Promise((r) => setImmediate(r));
    await jobs.stop();
    turns.stop();
    expect(ran).toHaveLength(12);
    expect(new Set(ran.map((r) => r.turn)).size).toBe(12);
  });
});
