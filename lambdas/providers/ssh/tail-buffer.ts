/**
 * Collects a stream's bytes but keeps only its tail, so a command printing gigabytes cannot exhaust the
 * Lambda's memory. It keeps enough bytes to decode the last MAX_TEXT characters exactly (4 bytes per
 * character at most, plus room for a character cut in half at the front), then {@link keepTail} cuts the text.
 */
import { keepTail, MAX_TEXT } from '../contract.ts';

/** The bytes of a stream kept: enough for its last MAX_TEXT characters. */
export const BYTES_KEPT = MAX_TEXT * 4 + 4;

export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly limit = BYTES_KEPT) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.limit * 2) this.compact();
  }

  /** The text kept (its last MAX_TEXT characters) and whether anything was cut. */
  text(): { text: string; truncated: boolean } {
    this.compact();
    const tail = keepTail(Buffer.concat(this.chunks).toString('utf8'));
    return { text: tail.text, truncated: tail.truncated || this.dropped };
  }

  private compact(): void {
    if (this.size <= this.limit) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [Buffer.from(all.subarray(all.length - this.limit))]; // a copy: lets the rest be freed
    this.size = this.limit;
    this.dropped = true;
  }
}
