/**
 * The undo of one henchman: the action that takes its move back, and that action's input.
 *
 * - `undo: <action>` feeds the henchman's own output: every input field of the undo action that the do
 *   action outputs (of a oneOf group, the one the henchman's `with` used, else the first), then the same
 *   values the henchman was given for the other fields it shares (a region), then project settings.
 * - `undo: { action, with }` says the input explicitly (references resolved like `with`).
 */
import { findAction } from '../catalog.ts';
import type { Henchman } from '../schema.ts';
import type { LateMark, SecretMark } from '#providers/contract';
import type { JsonObject } from './asl.ts';
import { CompileError } from './graph.ts';
import { outputPath } from './layout.ts';
import { inputTemplate, lateUnder, setKey, valueTemplate } from './payload.ts';
import type { PayloadScope } from './payload.ts';

export interface UndoPlan {
  action: string;
  input: JsonObject;
  /** The places of `input` where the task's undo or the project settings name secrets (never the output's). */
  secrets: SecretMark[];
  /** The places of `input` the provider completes (late values: ./payload.ts). */
  late: LateMark[];
}

/** The henchmen whose completed moves can be taken back: an undo, and an output to take back (not fire). */
export function undoable(h: Henchman): boolean {
  return h.undo !== undefined && h.fire !== true;
}

/**
 * The undo action and its input. For a henchman with `each`, the undo plays once per item of its output
 * list: pass `scope.item` (the item's JSONPath) and `own` = the same path; `${item}` is then the item's output.
 */
export function undoPlan(h: Henchman, scope: PayloadScope, own: string = outputPath(h.name)): UndoPlan {
  if (h.undo === undefined) throw new CompileError(`${h.name} has no undo`);
  if (typeof h.undo !== 'string') {
    return { action: h.undo.action, ...inputTemplate(h.undo.with, findAction(h.provider, h.undo.action), scope) };
  }
  const doSpec = findAction(h.provider, h.action);
  const undoSpec = findAction(h.provider, h.undo);
  if (!doSpec || !undoSpec) throw new CompileError(`${h.name}: ${h.provider} has no action "${h.undo}"`);
  const given = h.with ?? {};
  const fromOutput = new Set(Object.keys(undoSpec.input).filter((field) => Object.hasOwn(doSpec.output, field)));
  for (const group of undoSpec.oneOf ?? []) {
    const candidates = group.filter((field) => fromOutput.has(field));
    const keep = candidates.find((field) => Object.hasOwn(given, field)) ?? candidates[0];
    for (const field of candidates) if (field !== keep) fromOutput.delete(field);
  }
  const input: JsonObject = {};
  const secrets: SecretMark[] = [];
  const late: LateMark[] = [];
  for (const field of Object.keys(undoSpec.input)) {
    // The henchman's output is run-time data: it is never marked, whatever text it holds.
    if (fromOutput.has(field)) input[`${field}.$`] = `${own}.${field}`;
    else if (Object.hasOwn(given, field)) {
      const t = valueTemplate(given[field], scope, undoSpec.input[field]?.shell === true);
      setKey(input, field, t);
      for (const mark of t.secrets ?? []) secrets.push({ path: [field, ...mark.path], text: mark.text });
      late.push(...lateUnder(field, t));
    }
  }
  const settings = inputTemplate(undefined, undoSpec, scope);
  for (const [field, value] of Object.entries(settings.input)) {
    if (field in input || `${field}.$` in input) continue;
    input[field] = value;
    secrets.push(...settings.secrets.filter((mark) => mark.path[0] === field));
  }
  return { action: h.undo, input, secrets, late };
}
