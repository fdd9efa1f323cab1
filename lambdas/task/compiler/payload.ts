/**
 * References → Parameters templates: the provider event a Task state sends.
 *
 * - a whole-value reference becomes a JSONPath (`"host.$": "$.out.provision.output.privateIp"`), keeping its type;
 * - references inside a longer string become `States.Format`;
 * - `${project.x}` is resolved here, at compile time, to a literal;
 * - `${secret:/name}` stays the literal text `${secret:/name}`: never resolved, never looked up; its place is marked
 *   in the event's `secrets` (SecretMark, ../../providers/contract.ts), the only places the provider resolves. A
 *   secret in one string with a run-time reference (outside shell fields) cannot be marked: a CompileError, which
 *   validation reports first (rules/secret-mixed.ts). Secrets the project settings name are marked too;
 * - shell fields (catalog `shell: true`) with references become a ShellCommand { template, values }
 *   (lambdas/providers/shell.ts), `${raw:..}` → `{{n:raw}}`;
 * - lists holding references become `States.Array(...)`;
 * - a reference whose value the compiler cannot prove present in every execution (see {@link resolveReference})
 *   passes the part that is proven (the trigger's body, the list, the item, the params) and a LateMark
 *   (../../providers/contract.ts) saying what the provider walks from there: a missing value then fails the move with
 *   Mastermind.Invalid naming the reference, which the failure route takes, instead of a States.Runtime error that
 *   no Catch takes. A text with such a reference becomes `States.Array(parts...)` and a join mark.
 */
import type { LateMark, SecretMark, WireSecretMark } from '#providers/contract';
import type { ActionSpec, ProjectSettings } from '../catalog.ts';
import type { Henchman } from '../schema.ts';
import { parseTemplate, secretText, settingText, wholeReference } from '../references.ts';
import { TRIGGER_FIELDS } from '../trigger.ts';
import type { ParsedTemplate, Reference } from '../references.ts';
import type { JsonObject, JsonValue } from './asl.ts';
import { CompileError } from './graph.ts';
import { SHORTHAND } from '../keys.ts';
import { jsonPath, outputPath, PASS_PATH, STATE } from './layout.ts';

export interface PayloadScope {
  project: string;
  task: string;
  version: number;
  settings: ProjectSettings;
  /** Inside `each`: the JSONPath of the current item. */
  item?: string;
  /**
   * The params present in every execution (those with a default: the start states merge the defaults in). A param
   * without one may be left out by a start from the console, so its references are late (LateMark). Left out: none.
   */
  params?: ReadonlySet<string>;
  /** The task's timeout in seconds: into the context of do and poll events (never undo), with the start time. */
  taskTimeout?: number;
  /** The most characters a text output field may keep (see TEXT_BUDGET in layout.ts); left out when no cut is needed. */
  maxText?: number;
  /** The plot's henchmen by name (the first of a name), for what the compiler proves of their outputs. */
  plot?: ReadonlyMap<string, Henchman>;
  /** parseTemplate, remembered for the task (templatesOf); parseTemplate itself when left out. */
  template?: (text: string) => ParsedTemplate;
}

/**
 * A value in a Parameters template: a literal, a JSONPath or intrinsic ("key.$"), or an object holding some; with
 * `secrets`, the places inside the value (paths relative to it) where the task names a secret.
 */
export type Template = ({ literal: JsonValue } | { path: string } | { object: JsonObject }) & { secrets?: SecretMark[]; late?: LateMark[] };

/** The marks of a value, moved under `key` (a field name or a list index). */
function marksUnder(key: string | number, t: Template): SecretMark[] {
  return (t.secrets ?? []).map((mark) => ({ path: [key, ...mark.path], text: mark.text }));
}

/** The late marks of a value, moved under `key`. */
export function lateUnder(key: string | number, t: { late?: readonly LateMark[] }): LateMark[] {
  return (t.late ?? []).map((mark) => ({ ...mark, path: [key, ...mark.path] }));
}

function withMarks<T extends Template>(t: T, marks: SecretMark[], late: LateMark[] = []): T {
  if (marks.length > 0) t.secrets = marks;
  if (late.length > 0) t.late = late;
  return t;
}

/**
 * The marks of a project setting's value (settings are the operator's, trusted like the task): every string of it
 * that names a secret, read as settings are (settingText).
 */
export function settingMarks(value: unknown, path: readonly (string | number)[] = []): SecretMark[] {
  if (typeof value === 'string') {
    const text = settingText(value);
    return parseTemplate(text).parts.some((p) => typeof p !== 'string' && p.root === 'secret') ? [{ path: [...path], text }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => settingMarks(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => settingMarks(v, [...path, k]));
  return [];
}

/** The text of a mark, built piece by piece: a piece opening with `${` after a `$` would read as `$${` (a literal). */
function appendMarkText(text: string, piece: string, source: string): string {
  if (text.endsWith('$') && piece.startsWith('${')) throw new CompileError(`"${source}": a secret may not follow a "$" directly`);
  return text + piece;
}

/** `'it\'s \{x\}'`: a string literal inside an intrinsic function (' { } \\ escaped, as ASL requires). */
export function intrinsicString(text: string): string {
  return `'${text.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`;
}

/**
 * Any JSON value as an intrinsic argument. Text with reserved characters and JSON documents go through
 * `States.Format`, which both Step Functions and the local engine unescape (the local engine keeps the
 * backslashes of a bare string literal).
 */
export function intrinsicLiteral(value: JsonValue): string {
  if (typeof value === 'string') return /[\\'{}]/.test(value) ? `States.Format(${intrinsicString(value)})` : `'${value}'`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return `States.StringToJson(States.Format(${intrinsicString(JSON.stringify(value))}))`;
}

/**
 * A JSONPath of the execution state, and with `at` the rest of the reference the provider walks from it (a late
 * value: the path is present in every execution, the rest may not be).
 */
export type ResolvedPath = { path: string; at?: (string | number)[] };

/** `path` + `at`: the whole reference's JSONPath (for a Choice that tests it). */
export function fullPath(resolved: ResolvedPath): string {
  return jsonPath(resolved.path, resolved.at ?? []);
}

/**
 * Splits a reference's path after `proven` segments: what the state machine reads, and what is left late. For an
 * intrinsic argument the state machine reads no further than the last JSONPath shorthand key (`$.params` for
 * `${params.role-name}`): a key in brackets never stands inside an intrinsic function (../keys.ts), and the provider
 * looks up the rest.
 */
function split(root: string, path: readonly (string | number)[], proven: number, intrinsic = false): ResolvedPath {
  if (intrinsic) {
    const bracketed = path.findIndex((segment) => typeof segment === 'string' && !SHORTHAND.test(segment));
    if (bracketed >= 0 && bracketed < proven) proven = bracketed;
  }
  const at = path.slice(proven);
  return at.length === 0 ? { path: jsonPath(root, path) } : { path: jsonPath(root, path.slice(0, proven)), at };
}

/**
 * A reference as a literal (project, secret) or a JSONPath into the execution state. Proven present in every
 * execution, so read by the state machine: a param with a default, a trigger field (lambdas/task/trigger.ts), a
 * henchman's whole output and its output fields (validation proves it completed; the providers complete every
 * catalog output field: ../../providers/late.ts), `${item}`, the execution's id, name and start time. Anything
 * below those (a field of the trigger's body, a list index, a key of a map, a field of an item), and a param
 * without default, is late (`at`).
 */
export function resolveReference(ref: Reference, scope: PayloadScope, intrinsic = false): { literal: JsonValue } | ResolvedPath {
  const [head] = ref.path;
  switch (ref.root) {
    case 'params':
      return split(STATE.params, ref.path, typeof head === 'string' && scope.params?.has(head) ? 1 : 0, intrinsic);
    case 'trigger':
      return split(STATE.trigger, ref.path, typeof head === 'string' && (TRIGGER_FIELDS as readonly string[]).includes(head) ? 1 : 0, intrinsic);
    case 'henchman':
      return split(outputPath(ref.henchman!), ref.path, typeof head === 'string' ? 1 : 0, intrinsic);
    case 'item':
      if (!scope.item) throw new CompileError(`${ref.text} stands outside a henchman with each`);
      return split(scope.item, ref.path, 0, intrinsic);
    case 'execution':
      if (ref.path.length === 1 && ref.path[0] === 'id') return { path: STATE.executionId };
      if (ref.path.length === 1 && ref.path[0] === 'name') return { path: '$$.Execution.Name' };
      if (ref.path.length === 1 && ref.path[0] === 'startTime') return { path: STATE.startTime };
      throw new CompileError(`${ref.text}: an execution has only an id, a name and a start time`);
    case 'secret':
      return { literal: secretText(ref.secret!) };
    case 'project':
      return { literal: projectValue(ref, scope) };
  }
}

function projectValue(ref: Reference, scope: PayloadScope): JsonValue {
  const [head, ...rest] = ref.path;
  let value: unknown = head === 'name' ? scope.project : (scope.settings as Record<string, unknown>)[String(head)];
  for (const segment of rest) value = value === null || value === undefined ? undefined : (value as Record<string | number, unknown>)[segment];
  if (value === undefined) throw new CompileError(`${ref.text}: the project has no such setting`);
  return value as JsonValue;
}

function asText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A string value: literal, whole-value reference, States.Format, or (shell) a ShellCommand. With `intrinsic`, the value
 * becomes an argument of an intrinsic function (an item of States.Array): its path is shorthand only.
 */
export function stringTemplate(text: string, scope: PayloadScope, shell = false, intrinsic = false): Template {
  const parsed = scope.template ? scope.template(text) : parseTemplate(text);
  if (parsed.errors.length > 0) throw new CompileError(parsed.errors.map((e) => e.message).join('; '));
  // Text without references (most values, shell or not): its literal text.
  if (parsed.parts.length === 0) return { literal: '' };
  if (parsed.parts.length === 1 && typeof parsed.parts[0] === 'string') return { literal: parsed.parts[0] };
  if (shell) return shellTemplate(parsed.parts, scope);
  const whole = wholeReference(parsed);
  if (whole) {
    const resolved = resolveReference(whole, scope, intrinsic);
    if (whole.root === 'secret') return withMarks(resolved, [{ path: [], text: secretText(whole.secret!) }]);
    if (whole.root === 'project') return withMarks(resolved, settingMarks((resolved as { literal: JsonValue }).literal));
    if ('path' in resolved && resolved.at) return withMarks({ path: resolved.path }, [], [{ path: [], text: whole.text, at: resolved.at }]);
    return resolved;
  }
  let format = '';
  let literal = '';
  // The string in the task language, for a mark: literal text with `${` escaped, secrets as references.
  let markText = '';
  let secret = false;
  const args: string[] = [];
  // Every part as an intrinsic argument, and the late ones: used when a part is late (a join).
  const pieces: string[] = [];
  const late: LateMark[] = [];
  for (const part of parsed.parts) {
    const resolved = typeof part === 'string' ? { literal: part } : resolveReference(part, scope, true);
    if ('path' in resolved) {
      if (resolved.at) late.push({ path: [pieces.length], text: (part as Reference).text, at: resolved.at });
      pieces.push(resolved.path);
    } else pieces.push(intrinsicLiteral(asText(resolved.literal)));
    if ('literal' in resolved) {
      const piece = asText(resolved.literal);
      literal += piece;
      format += piece.replace(/[\\'{}]/g, (c) => `\\${c}`);
      if (typeof part === 'string') markText = appendMarkText(markText, piece.replaceAll('${', () => '$${'), text);
      else if (part.root === 'secret') {
        markText = appendMarkText(markText, piece, text);
        secret = true;
      } else {
        const setting = settingText(piece);
        markText = appendMarkText(markText, setting, text);
        secret ||= settingMarks(setting).length > 0;
      }
    } else {
      format += '{}';
      args.push(resolved.path);
    }
  }
  if (args.length === 0) return withMarks({ literal }, secret ? [{ path: [], text: markText }] : []);
  if (secret) {
    throw new CompileError(`"${text}" names a secret and a run-time reference in one string: give the secret a string of its own (in a shell command, the values are kept apart and may be mixed)`);
  }
  if (late.length > 0) return withMarks({ path: `States.Array(${pieces.join(', ')})` }, [], [...late, { path: [], join: true }]);
  return { path: `States.Format('${format}', ${args.join(', ')})` };
}

/**
 * Shell text: references (secrets included) reach the provider apart from the command, as {{n}} placeholders and
 * values.
 */
function shellTemplate(parts: readonly (string | Reference)[], scope: PayloadScope): Template {
  let template = '';
  const values: JsonObject = {};
  const marks: SecretMark[] = [];
  const late: LateMark[] = [];
  let n = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      template += part;
      continue;
    }
    const key = String(n++);
    template += `{{${key}${part.raw ? ':raw' : ''}}}`;
    // A secret travels as its reference text among the values, its place marked: the provider resolves it there,
    // then quotes it like any other value (pasted into the command text, its value would be read as shell syntax).
    const resolved = part.root === 'secret' ? { literal: secretText(part.secret!) } : resolveReference(part, scope);
    if ('literal' in resolved) {
      values[key] = resolved.literal;
      if (part.root === 'secret') marks.push({ path: ['values', key], text: secretText(part.secret!) });
      else if (part.root === 'project') marks.push(...settingMarks(resolved.literal, ['values', key]));
    } else {
      values[`${key}.$`] = resolved.path;
      if (resolved.at) late.push({ path: ['values', key], text: part.text, at: resolved.at });
    }
  }
  if (n === 0) return { literal: template };
  return withMarks({ object: { template, values } }, marks, late);
}

/** Any JSON-like value from a task (`intrinsic`: see stringTemplate). */
export function valueTemplate(value: unknown, scope: PayloadScope, shell = false, intrinsic = false): Template {
  if (typeof value === 'string') return stringTemplate(value, scope, shell, intrinsic);
  if (Array.isArray(value)) return listTemplate(value, scope);
  if (value !== null && typeof value === 'object') {
    const object: JsonObject = {};
    const marks: SecretMark[] = [];
    const late: LateMark[] = [];
    let dynamic = false;
    for (const [key, v] of Object.entries(value)) {
      const t = valueTemplate(v, scope);
      dynamic ||= !('literal' in t);
      setKey(object, key, t);
      marks.push(...marksUnder(key, t));
      late.push(...lateUnder(key, t));
    }
    return withMarks(dynamic ? { object } : { literal: object }, marks, late);
  }
  return { literal: (value ?? null) as JsonValue };
}

function listTemplate(items: readonly unknown[], scope: PayloadScope): Template {
  const templates = items.map((item) => valueTemplate(item, scope, false, true));
  const marks = templates.flatMap((t, i) => marksUnder(i, t));
  const late = templates.flatMap((t, i) => lateUnder(i, t));
  if (templates.every((t) => 'literal' in t)) return withMarks({ literal: templates.map((t) => (t as { literal: JsonValue }).literal) }, marks);
  return withMarks({ path: `States.Array(${templates.map(intrinsicArgument).join(', ')})` }, marks, late);
}

function intrinsicArgument(t: Template): string {
  if ('path' in t) return t.path;
  if ('object' in t) throw new CompileError('a map holding references inside a list is not supported; give the map its own field');
  return intrinsicLiteral(t.literal);
}

/** Puts a template under `key` of a Parameters object ("key.$" for paths and intrinsics). */
export function setKey(target: JsonObject, key: string, t: Template): void {
  if ('path' in t) target[`${key}.$`] = t.path;
  else if ('object' in t) target[key] = t.object;
  else target[key] = t.literal;
}

function hasAny(settings: object): boolean {
  for (const _ in settings) return true;
  return false;
}

/** The input fields of an action that project settings fill, in the action's order (the catalog is fixed). */
const settingFieldsOf = new WeakMap<ActionSpec, string[]>();

function settingFields(spec: ActionSpec): string[] {
  let fields = settingFieldsOf.get(spec);
  if (!fields) settingFieldsOf.set(spec, (fields = Object.keys(spec.input).filter((field) => spec.input[field]!.projectSetting)));
  return fields;
}

/** An action's input as a Parameters template, and the places in it where the task or its settings name secrets. */
export interface InputTemplate {
  input: JsonObject;
  secrets: SecretMark[];
  /** The places of `input` the provider completes (late values: LateMark). */
  late: LateMark[];
}

/** The action's input: the task's `with`, then project settings for the setting fields it leaves out. */
export function inputTemplate(values: Record<string, unknown> | undefined, spec: ActionSpec | undefined, scope: PayloadScope): InputTemplate {
  const input: JsonObject = {};
  const secrets: SecretMark[] = [];
  const late: LateMark[] = [];
  const given = values ?? {};
  for (const key of Object.keys(given)) {
    const t = valueTemplate(given[key], scope, spec?.input[key]?.shell === true);
    setKey(input, key, t);
    if (t.secrets) secrets.push(...marksUnder(key, t));
    if (t.late) late.push(...lateUnder(key, t));
  }
  if (spec && hasAny(scope.settings)) {
    for (const field of settingFields(spec)) {
      const setting = (scope.settings as Record<string, unknown>)[field];
      if (!Object.hasOwn(given, field) && setting !== undefined) {
        input[field] = setting as JsonValue;
        secrets.push(...settingMarks(setting, [field]));
      }
    }
  }
  return { input, secrets, late };
}

export interface EventOptions {
  henchman: string;
  action: string;
  input: JsonObject;
  /** The places of `input` that hold the secrets the task names (see InputTemplate). */
  secrets?: readonly SecretMark[];
  /** The places of `input` the provider completes (see InputTemplate). */
  late?: readonly LateMark[];
  phase: 'do' | 'undo' | 'poll';
  /** With phase "poll": the JSONPath of the state the action asked to be handed back. */
  pollPath?: string;
  /** The move's limit in seconds (context.timeout): the provider ends its remote work within it (../invocation.ts). */
  timeout?: number;
  /** The move runs detached on the host and is polled (context.detach). */
  detach?: boolean;
}

/**
 * The constant part of every provider event's context: the same for every move of an execution, so the start states
 * write it once into the execution state (STATE.context, ./start.ts) and every event refers to it, adding its own
 * part (moveTemplate).
 * `taskTimeout` and `started` travel in phase undo too, where the providers ignore them (a rollback must run:
 * ../../providers/deadline.ts).
 */
export function sharedContext(scope: PayloadScope): JsonObject {
  const context: JsonObject = { project: scope.project, task: scope.task, version: scope.version, 'execution.$': STATE.executionId };
  if (scope.maxText !== undefined) context.maxText = scope.maxText;
  if (scope.taskTimeout !== undefined) {
    context.taskTimeout = scope.taskTimeout;
    context['started.$'] = STATE.startTime;
  }
  return context;
}

/**
 * The move's own part of the context: `{ henchman, attempt, item?, timeout?, detach? }`, sent at the top of the event
 * beside `"context.$": "$.context"` (the shared part); the providers see one context, the two merged
 * (../../providers/contract.ts joinContext, MOVE_FIELDS). About 90 bytes per Task state where the whole context was
 * 140 to 250; at the top rather than in an object of its own, 9 bytes less again.
 */
function moveTemplate(o: EventOptions, scope: PayloadScope): JsonObject {
  const move: JsonObject = { henchman: o.henchman, 'attempt.$': PASS_PATH };
  if (scope.item) move['item.$'] = STATE.itemIndex;
  if (o.timeout !== undefined) move.timeout = o.timeout;
  if (o.detach) move.detach = true;
  return move;
}

/**
 * The provider event { action, input, phase?, secrets?, late?, poll?, context, henchman, attempt, item?, timeout?,
 * detach? } as a Parameters template (inside `each`, the move's fields in `move`); phase "do" is left out: the
 * providers take an event without a phase as a do (../../providers/contract.ts joinContext).
 */
export function eventTemplate(o: EventOptions, scope: PayloadScope): JsonObject {
  const event: JsonObject = { action: o.action, input: o.input };
  if (o.phase !== 'do') event.phase = o.phase;
  if (o.secrets && o.secrets.length > 0) event.secrets = o.secrets.map((mark) => wireMark(o.input, mark)) as unknown as JsonValue;
  if (o.late && o.late.length > 0) event.late = o.late as unknown as JsonValue;
  if (o.pollPath) event['poll.$'] = o.pollPath;
  event['context.$'] = STATE.context;
  // Inside a Map the event is built by the ItemSelector and its polls copy it field by field ('move.$': every move field
  // at once, whichever the move has): there the move's part stays an object of its own.
  if (scope.item) event.move = moveTemplate(o, scope);
  else Object.assign(event, moveTemplate(o, scope));
  return event;
}

/**
 * A mark as the event carries it: its bare path (a field of the input by its name alone) when the input template holds
 * its text, literally, at that place
 * (the string the provider finds there is then the text: the value is a literal of the definition, nothing at run time
 * can put another there); `{ path, text }` otherwise (a text in the task language that differs from the value, such as
 * one holding `$${`). WireSecretMark in ../../providers/contract.ts.
 */
function wireMark(input: JsonObject, mark: SecretMark): WireSecretMark {
  let node: JsonValue | undefined = input;
  for (const key of mark.path) {
    if (node === null || typeof node !== 'object') return mark;
    node = Array.isArray(node) ? node[key as number] : Object.hasOwn(node, String(key)) ? node[String(key)] : undefined;
  }
  if (node !== mark.text) return mark;
  return mark.path.length === 1 ? String(mark.path[0]) : [...mark.path];
}
