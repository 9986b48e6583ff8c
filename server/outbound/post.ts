import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

const EXCERPT_CHARS = 300;

export interface PostResult {
  status: number;
  /** The start of the answer's body, whitespace collapsed. */
  excerpt: string;
}

/**
 * POST `body` to `url` once. node:http rather than fetch because it takes a `lookup` per request (Node 20's
 * fetch cannot be given one without the undici package). It never follows a redirect: a 3xx is just an answer.
 * No pooled agent, so every attempt connects (and so resolves and checks the address) afresh.
 * A timeout rejects with an error named `TimeoutError`.
 */
export function postOnce(url: URL, o: { headers: Record<string, string>; body: string; timeoutMs: number; lookup?: LookupFunction }): Promise<PostResult> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      { method: 'POST', headers: { ...o.headers, 'Content-Length': String(Buffer.byteLength(o.body)) }, agent: false, signal, ...(o.lookup ? { lookup: o.lookup } : {}) },
      (res) => void readExcerpt(res).then((excerpt) => resolve({ status: res.statusCode ?? 0, excerpt })),
    );
    req.on('error', (err) => reject(signal.aborted ? (signal.reason as Error) : err));
    req.end(o.body);
  });
}

/** Never reads more than a few kilobytes of an answer. */
async function readExcerpt(res: http.IncomingMessage): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res) {
      text += decoder.decode(chunk as Buffer, { stream: true });
      if (text.length >= EXCERPT_CHARS) break;
    }
  } catch {
    /* a body cut short (or timed out) is still an answer: keep what arrived */
  } finally {
    res.destroy();
  }
  return text.slice(0, EXCERPT_CHARS).replace(/\s+/g, ' ').trim();
}
