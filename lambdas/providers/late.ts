/**
 * Late values: the places of a move's input that the state machine could not fill safely (./contract.ts, LateMark),
 * completed here from the part it passed; and the promise the compiler relies on for the rest: every output field
 * the catalog lists is present in a move's output.
 *
 * | what happened                                              | result                                          |
 * | ---------------------------------------------------------- | ----------------------------------------------- |
 * | the reference's value is there                             | the input holds it at the place (type kept)     |
 * | a field, key or index on the way is missing (or the value  | Mastermind.Invalid: "<henchman>: <reference>    |
 * | on the way is not an object or list)                       | has no value in this execution"                 |
 * | a join place                                               | its parts as text (strings as they are, other   |
 * |                                                            | values as JSON), as States.Format writes them   |
 * | an action's output lacks a catalog output field            | the field is added: [] for a list type, else    |
 * |                                                            | null                                            |
 *
 * The provider runtime (./runtime.ts) applies the marks before it checks the input and resolves secrets; the local
 * engine (lambdas/engine/run.ts) applies them (and drops them) before any in-process handler, so rehearsals and
 * local mode take the same failure route as a deployed provider.
 */
import type { FieldType, OutputField } from '#task/catalog';
import { InvalidError } from './contract.ts';
import type { LateMark } from './contract.ts';

type Path = readonly (string | number)[];

function child(value: unknown, key: string | number): { found: true; value: unknown } | { found: false } {
  if (typeof key === 'number') {
    return Array.isArray(value) && key < value.length ? { found: true, value: value[key] } : { found: false };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return { found: false };
  return { found: true, value: (value as Record<string, unknown>)[key] };
}

function placeOf(root: Record<string, unknown>, path: Path, henchman: string): { parent: Record<string | number, unknown>; key: string | number } {
  let at: unknown = root;
  for (const key of path.slice(0, -1)) {
    const next = child(at, key);
    if (!next.found) throw new InvalidError(`${henchman}: the provider event has no place ${path.join('.')}`);
    at = next.value;
  }
  const key = path[path.length - 1]!;
  if (at === null || typeof at !== 'object') throw new InvalidError(`${henchman}: the provider event has no place ${path.join('.')}`);
  return { parent: at as Record<string | number, unknown>, key };
}

/** A value as States.Format writes it into text. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The input with every late mark applied, in order; a copy (the event is left as it came). */
export function resolveLate(input: Record<string, unknown>, marks: readonly LateMark[] | undefined, henchman: string): Record<string, unknown> {
  if (!marks || marks.length === 0) return input;
  const copy = structuredClone(input);
  for (const mark of marks) {
    if (mark.path.length === 0) throw new InvalidError(`${henchman}: a late value must have a place in the input`);
    const { parent, key } = placeOf(copy, mark.path, henchman);
    if ('join' in mark) {
      const parts = parent[key];
      if (!Array.isArray(parts)) throw new InvalidError(`${henchman}: the parts of ${mark.path.join('.')} are not a list`);
      parent[key] = parts.map(asText).join('');
      continue;
    }
    let value = parent[key];
    for (const step of mark.at) {
      const next = child(value, step);
      if (!next.found) throw new InvalidError(`${henchman}: ${mark.text} has no value in this execution`);
      value = next.value;
    }
    parent[key] = value;
  }
  return copy;
}

function missingValue(type: FieldType): unknown {
  return type.endsWith('[]') ? [] : null;
}

/** The output with every field the catalog lists for the action: [] for a list type, else null, where it has none. */
export function completeOutput(output: Record<string, unknown>, fields: Readonly<Record<string, OutputField>>): Record<string, unknown> {
  let complete: Record<string, unknown> | undefined;
  for (const [field, spec] of Object.entries(fields)) {
    if (output[field] !== undefined) continue;
    complete ??= { ...output };
    complete[field] = missingValue(spec.type);
  }
  return complete ?? output;
}
