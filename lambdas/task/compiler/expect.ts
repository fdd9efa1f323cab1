/**
 * `expect` → Choice rules. Every comparison is guarded (present, of the right type), so an output that
 * lacks the field, or holds another type, does not meet the expectation instead of failing the execution.
 *
 *   map form  { exitCode: 0 }                      each field equals its value
 *   list form [{ field, equals | notEquals | lessThan... | matches (glob) | exists }], all / any / not
 */
import { COMPARISONS } from '../schema.ts';
import type { Condition, Expect } from '../schema.ts';
import type { ChoiceRule, JsonValue } from './asl.ts';
import { pathSegment } from '../keys.ts';
import { CompileError } from './graph.ts';

type Comparison = (typeof COMPARISONS)[number];

const ORDERING = {
  lessThan: 'LessThan',
  lessThanOrEquals: 'LessThanEquals',
  greaterThan: 'GreaterThan',
  greaterThanOrEquals: 'GreaterThanEquals',
} as const;

/**
 * `$.out.x.output` + "a.b" → `$.out.x.output.a.b`; a key that is not JSONPath shorthand in brackets
 * ("exit-code" → `['exit-code']`, ../keys.ts): a Choice's Variable is a path, where AWS documents bracket notation.
 */
function fieldPath(base: string, field: string, where: string): string {
  return field.split('.').reduce((at, segment) => {
    if (/^\d+$/.test(segment)) return `${at}[${segment}]`;
    try {
      return at + pathSegment(segment);
    } catch {
      throw new CompileError(`${where}: the field "${field}" cannot be written as a path (a part of it is empty or holds a quote, a backslash or a control character)`);
    }
  }, base);
}

export function all(rules: ChoiceRule[]): ChoiceRule {
  return rules.length === 1 ? rules[0]! : { And: rules };
}

export function any(rules: ChoiceRule[]): ChoiceRule {
  return rules.length === 1 ? rules[0]! : { Or: rules };
}

export function not(rule: ChoiceRule): ChoiceRule {
  return { Not: rule };
}

/** Absence is written Not(IsPresent: true): the local engine never matches `IsPresent: false`. */
export function isPresent(variable: string, present = true): ChoiceRule {
  return present ? { Variable: variable, IsPresent: true } : not({ Variable: variable, IsPresent: true });
}

/** The field equals the value (string, number, boolean or null). */
export function equals(variable: string, value: unknown, where: string): ChoiceRule {
  if (typeof value === 'string') return all([isPresent(variable), { Variable: variable, IsString: true }, { Variable: variable, StringEquals: value }]);
  if (typeof value === 'number') return all([isPresent(variable), { Variable: variable, IsNumeric: true }, { Variable: variable, NumericEquals: value }]);
  if (typeof value === 'boolean') return all([isPresent(variable), { Variable: variable, IsBoolean: true }, { Variable: variable, BooleanEquals: value }]);
  if (value === null) return all([isPresent(variable), { Variable: variable, IsNull: true }]);
  throw new CompileError(`${where}: expect can compare a field with a text, a number, true/false or null, not a list or a map`);
}

function ordered(variable: string, comparison: keyof typeof ORDERING, value: unknown, where: string): ChoiceRule {
  if (typeof value === 'number') {
    return all([isPresent(variable), { Variable: variable, IsNumeric: true }, { Variable: variable, [`Numeric${ORDERING[comparison]}`]: value }]);
  }
  if (typeof value === 'string') {
    return all([isPresent(variable), { Variable: variable, IsString: true }, { Variable: variable, [`String${ORDERING[comparison]}`]: value }]);
  }
  throw new CompileError(`${where}: ${comparison} needs a number or a text`);
}

function comparisonRule(variable: string, comparison: Comparison, value: unknown, where: string): ChoiceRule {
  switch (comparison) {
    case 'equals':
      return equals(variable, value, where);
    case 'notEquals':
      return not(equals(variable, value, where));
    case 'matches':
      if (typeof value !== 'string') throw new CompileError(`${where}: matches needs a glob text`);
      return all([isPresent(variable), { Variable: variable, IsString: true }, { Variable: variable, StringMatches: value as JsonValue }]);
    case 'exists':
      return isPresent(variable, value !== false);
    default:
      return ordered(variable, comparison, value, where);
  }
}

export function conditionRule(condition: Condition, base: string, where: string): ChoiceRule {
  if ('all' in condition) return all(condition.all.map((c, i) => conditionRule(c, base, `${where}.all[${i}]`)));
  if ('any' in condition) return any(condition.any.map((c, i) => conditionRule(c, base, `${where}.any[${i}]`)));
  if ('not' in condition) return not(conditionRule(condition.not, base, `${where}.not`));
  const variable = fieldPath(base, condition.field, where);
  const rules = COMPARISONS.filter((c) => condition[c] !== undefined).map((c) => comparisonRule(variable, c, condition[c], where));
  if (rules.length === 0) throw new CompileError(`${where}: the condition on "${condition.field}" compares nothing`);
  return all(rules);
}

/** The whole `expect` of a henchman as one rule; `base` is the JSONPath of its output. */
export function expectRule(expect: Expect, base: string, where: string): ChoiceRule {
  if (Array.isArray(expect)) return all(expect.map((c, i) => conditionRule(c, base, `${where}[${i}]`)));
  return all(Object.entries(expect).map(([field, value]) => equals(fieldPath(base, field, `${where}.${field}`), value, `${where}.${field}`)));
}
