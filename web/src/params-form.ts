/**
 * The start form of a task, built from its params' types, and the check of what a person typed: the same
 * check the API makes (lambdas/service/params.ts), so the form refuses what the API would refuse, with the
 * same words, before anything is sent.
 *
 * | type           | field                          | read as                                      |
 * | -------------- | ------------------------------ | -------------------------------------------- |
 * | string         | text (a list when it has enum) | the text                                     |
 * | number/integer | number (a list with enum)      | a number; text that is not one is a problem  |
 * | boolean        | a choice: default, true, false | true or false                                |
 * | list, map      | JSON text                      | the JSON value; text that is not JSON is one |
 *
 * A field left empty is left out of the params, so its default applies (or the param is reported required).
 */
import { paramProblems } from '#service/params';
import type { Param } from '#task/schema';

export type FieldKind = 'text' | 'number' | 'boolean' | 'json' | 'choice';

export interface Field {
  readonly name: string;
  readonly type: Param['type'];
  readonly kind: FieldKind;
  readonly required: boolean;
  /** The default, as JSON text (what is sent when the field is left empty). */
  readonly defaultText?: string;
  readonly description?: string;
  readonly choices?: readonly (string | number)[];
}

export function fieldsOf(params: Readonly<Record<string, Param>> | undefined): Field[] {
  return Object.entries(params ?? {}).map(([name, param]) => {
    const kind: FieldKind = param.enum
      ? 'choice'
      : param.type === 'boolean'
        ? 'boolean'
        : param.type === 'number' || param.type === 'integer'
          ? 'number'
          : param.type === 'list' || param.type === 'map'
            ? 'json'
            : 'text';
    return {
      name,
      type: param.type,
      kind,
      required: param.default === undefined,
      ...(param.default !== undefined ? { defaultText: JSON.stringify(param.default) } : {}),
      ...(param.description !== undefined ? { description: param.description } : {}),
      ...(param.enum ? { choices: param.enum } : {}),
    };
  });
}

/** One field's text as a value; undefined when left empty. */
function readField(field: Field, raw: string): { value?: unknown; problem?: string } {
  if (raw.trim() === '' && field.kind !== 'text') return {};
  if (raw === '') return {};
  switch (field.kind) {
    case 'text':
      return { value: raw };
    case 'number': {
      const value = Number(raw.trim());
      return Number.isFinite(value) ? { value } : { problem: `must be ${field.type === 'integer' ? 'an integer' : 'a number'}` };
    }
    case 'boolean':
      return raw === 'true' ? { value: true } : raw === 'false' ? { value: false } : { problem: 'must be true or false' };
    case 'choice': {
      const choice = field.choices?.find((c) => String(c) === raw);
      return choice === undefined ? { problem: `must be one of ${(field.choices ?? []).map((c) => JSON.stringify(c)).join(', ')}` } : { value: choice };
    }
    case 'json':
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch (error) {
        return { problem: `is not JSON: ${(error as Error).message}` };
      }
  }
}

export interface FormReading {
  /** What is sent as `params`. */
  readonly params: Record<string, unknown>;
  /** Per field name, what is wrong with it; empty when the params may be sent. */
  readonly problems: Readonly<Record<string, string>>;
}

/** Reads the form's texts (by field name) into params and checks them as the API does. */
export function readForm(declared: Readonly<Record<string, Param>> | undefined, texts: Readonly<Record<string, string>>): FormReading {
  const params: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of fieldsOf(declared)) {
    const { value, problem } = readField(field, texts[field.name] ?? '');
    if (problem) problems[field.name] = problem;
    else if (value !== undefined) params[field.name] = value;
  }
  for (const problem of paramProblems(declared ?? {}, params)) {
    const name = problem.place.replace(/^params\./, '');
    problems[name] ??= problem.message;
  }
  return { params, problems };
}
