/**
 * The secret marks a compiled task would send with an input (SecretMark, lambdas/providers/contract.ts), for tests
 * that call a provider with a hand-written event: every string of the input that holds a secret reference is taken
 * as written by the task, its text as it stands (no `$${` in it).
 */
import type { SecretMark } from '#providers/contract';
import { secretNamesIn, walkStrings } from '#task/references';

export function marksOf(input: Record<string, unknown>): SecretMark[] {
  const marks: SecretMark[] = [];
  walkStrings(input, [], (text, place) => {
    if (secretNamesIn(text).length > 0) marks.push({ path: place, text });
  });
  return marks;
}
