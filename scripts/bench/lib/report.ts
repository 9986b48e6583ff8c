// What a benchmark prints and keeps: one row per figure (median of the runs, each run's value, the ratio
// to the baseline measured in the same run), the machine, its load, and the command. Rows are appended
// to BENCH_DIR/results.jsonl and printed as a Markdown table for docs/performance.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RESULTS_FILE } from './paths';
import { median } from './load';

export interface Figure {
  metric: string;
  unit: string;
  /** Each run's value; the figure is their median. */
  runs: number[];
  /** The baseline's runs of the same metric, measured in the same process lifetime. */
  baseline?: number[];
  target?: string;
  note?: string;
}

export function machine() {
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown';
  return { cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), cpu, node: process.version };
}

export const loadAvg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

// Read when the benchmark process starts (it imports this module first thing), not when the report is written.
const STARTED_AT = new Date();
const LOAD_AT_START = loadAvg();

const fmt = (v: number, unit: string) =>
  unit === 'ms' ? v.toFixed(v < 10 ? 2 : 1) : unit === 'MB' ? v.toFixed(0) : unit === 'calls' ? v.toFixed(2) : Math.round(v).toLocaleString('en-US');

export class Report {
  private readonly figures: Figure[] = [];
  private readonly startedAt = STARTED_AT;
  private readonly loadBefore = LOAD_AT_START;

  constructor(
    private readonly bench: string,
    private readonly command: string,
    private readonly context: Record<string, unknown>,
  ) {}

  add(f: Figure): void {
    this.figures.push(f);
  }

  finish(): string {
    const m = machine();
    const rows = this.figures.map((f) => {
      const value = median(f.runs);
      const base = f.baseline ? median(f.baseline) : undefined;
      const lowerIsBetter = f.unit === 'ms' || f.unit === 'MB';
      const ratio = base ? (lowerIsBetter ? base / value : value / base) : undefined;
      return { ...f, value, baselineValue: base, ratio };
    });
    const record = {
      bench: this.bench,
      date: this.startedAt.toISOString(),
      command: this.command,
      machine: m,
      loadBefore: this.loadBefore,
      loadAfter: loadAvg(),
      context: this.context,
      figures: rows,
    };
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.appendFileSync(RESULTS_FILE, `${JSON.stringify(record)}\n`);
    const lines = [
      `### ${this.bench} — ${this.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `\`${this.command}\` · ${m.cores} cores, ${m.memoryGb} GB, ${m.cpu}, Node ${m.node} · load average before ${this.loadBefore}, after ${record.loadAfter}`,
      ...Object.entries(this.context).map(([k, v]) => `- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
      '',
      '| metric | value (median) | runs | baseline (median) | ratio | target |',
      '| --- | ---: | --- | ---: | ---: | --- |',
      ...rows.map(
        (r) =>
          `| ${r.metric}${r.note ? ` (${r.note})` : ''} | ${fmt(r.value, r.unit)} ${r.unit} | ${r.runs.map((v) => fmt(v, r.unit)).join(' / ')} | ${r.baselineValue !== undefined ? `${fmt(r.baselineValue, r.unit)} ${r.unit}` : '—'} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '—'} | ${r.target ?? ''} |`,
      ),
      '',
    ];
    return lines.join('\n');
  }
}
