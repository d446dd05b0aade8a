/**
 * RAMPART_AUDIT_WITNESS_URL: a witness reached over HTTP. Each new checkpoint is POSTed to the URL
 * as `text/plain` (the C2SP signed note); `GET` of the same URL answers the latest checkpoint the
 * witness holds (200 with the note, or 404/204 when it holds none). Requests time out, never
 * follow redirects, and the URL is https unless it is on loopback (checked by the configuration).
 * A witness that cannot be reached makes the push fail: the checkpoint stays in the database, the
 * failure is logged, and the next checkpoint is pushed again.
 */
import type { CheckpointWitness } from '../ports/checkpoint-witness.js';

const MAX_NOTE_BYTES = 16_384;

export class WitnessUrl implements CheckpointWitness {
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(url: string, timeoutMs = 5000) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  async push(note: string): Promise<void> {
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: note,
      redirect: 'error',
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the audit witness answered ${response.status}`);
  }

  async latest(): Promise<string | undefined> {
    const response = await fetch(this.#url, { redirect: 'error', signal: AbortSignal.timeout(this.#timeoutMs) });
    if (response.status === 404 || response.status === 204) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the audit witness answered ${response.status}`);
    }
    const text = await response.text();
    if (Buffer.byteLength(text) > MAX_NOTE_BYTES) throw new Error('the audit witness answered more than a checkpoint');
    return text.trim() === '' ? undefined : text;
  }
}
