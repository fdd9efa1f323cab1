/**
 * The shape of a task definition (../shared/DESIGN.md "The task language"), as a zod schema.
 *
 * The schema checks structure and types only; the rules in ./rules/ check meaning (names, references,
 * graph). Its JSON Schema export lives in schema/task.schema.json for editors.
 */
import { z } from 'zod';
import { NAME_PATTERN } from './names.ts';

export { NAME_PATTERN };
export { DURATION_PATTERN } from './duration.ts';

const name = z.string().describe('Lower-case letters, digits and dashes; starts and ends with a letter or digit.');
const duration = z.string().describe('A duration: 30s, 10m, 1h, 1d.');

export const paramTypes = ['string', 'number', 'integer', 'boolean', 'list', 'map'] as const;

export const paramSchema = z.strictObject({
  type: z.enum(paramTypes).describe('The type of the param.'),
  default: z.unknown().optional().describe('The value when the execution input leaves the param out; makes it optional.'),
  description: z.string().optional(),
  enum: z.array(z.union([z.string(), z.number()])).optional().describe('The only values allowed.'),
});

export const triggersSchema = z.strictObject({
  alarms: z.array(z.string().min(1).max(255)).optional().describe('CloudWatch alarm names (at most 255 characters) that start the task when they go into ALARM.'),
  hook: z.boolean().optional().describe('A secret URL that outside monitors can call.'),
  whenRunning: z
    .enum(['skip', 'allow'])
    .optional()
    .describe('What a trigger does while an execution of the task is running: skip (default) or allow another.'),
});

/** One condition of an `expect` list (nestable with all / any / not). */
export type Condition =
  | {
      field: string;
      equals?: unknown;
      notEquals?: unknown;
      lessThan?: number | string;
      lessThanOrEquals?: number | string;
      greaterThan?: number | string;
      greaterThanOrEquals?: number | string;
      matches?: string;
      exists?: boolean;
    }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const COMPARISONS = [
  'equals',
  'notEquals',
  'lessThan',
  'lessThanOrEquals',
  'greaterThan',
  'greaterThanOrEquals',
  'matches',
  'exists',
] as const;

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({
      field: z.string().min(1).describe('An output field of the henchman (dots for nested fields).'),
      equals: z.unknown().optional(),
      notEquals: z.unknown().optional(),
      lessThan: z.union([z.number(), z.string()]).optional(),
      lessThanOrEquals: z.union([z.number(), z.string()]).optional(),
      greaterThan: z.union([z.number(), z.string()]).optional(),
      greaterThanOrEquals: z.union([z.number(), z.string()]).optional(),
      matches: z.string().optional().describe('A glob: * matches any text.'),
      exists: z.boolean().optional(),
    }),
  ]),
);

export const expectSchema = z.union([
  z.array(conditionSchema).min(1).describe('Conditions that must all hold.'),
  z.record(z.string(), z.unknown()).describe('Output fields and the values they must equal.'),
]);

export const onFailureSchema = z.union([
  z.enum(['abort', 'continue']),
  z.strictObject({ goto: name.describe('The henchman to jump to.') }),
  z.strictObject({
    retreat: name.describe('This henchman or an earlier one: undo back to it, then play it again.'),
    times: z.number().int().min(1).max(100).describe('How often the retreat may be taken in one execution.'),
  }),
]);

export const retrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(100).describe('Retries after the first try.'),
  interval: duration.optional().describe('Pause before the first retry (default 1s).'),
  backoff: z.number().min(1).max(10).optional().describe('Each pause is this many times the one before (default 2).'),
  maxDelay: duration.optional().describe('The longest pause.'),
  jitter: z.boolean().optional().describe('Spread the pauses randomly.'),
}).describe('Retries of transient errors (Mastermind.Transient); 2 retries, 2s apart, backoff 2, with jitter when left out.');

export const undoSchema = z.union([
  z.string().min(1).describe('An action of the same provider, fed with this henchman\'s output.'),
  z.strictObject({ action: z.string().min(1), with: z.record(z.string(), z.unknown()).optional() }),
]);

export const henchmanSchema = z.strictObject({
  name: name.describe('Unique in the task; the state name in the console.'),
  description: z.string().optional(),
  provider: z.string().describe('ec2, ssh or chef.'),
  action: z.string().describe('An action of the provider.'),
  with: z.record(z.string(), z.unknown()).optional().describe('The action\'s inputs; values may hold references.'),
  undo: undoSchema.optional(),
  timeout: duration.optional(),
  retry: retrySchema.optional(),
  expect: expectSchema.optional(),
  onFailure: onFailureSchema.optional(),
  next: z.string().optional().describe('The henchman to advance to instead of the next one, or "end".'),
  each: z.string().optional().describe('A reference to a list: play the henchman once per item (${item}).'),
  concurrency: z.number().int().min(1).max(1000).optional().describe('With each: at most this many items at once.'),
  fire: z.boolean().optional().describe('Start the move and advance without waiting for its result.'),
});

export const taskSchema = z.strictObject({
  task: name.describe('The task name, unique in its project.'),
  project: name.optional().describe('The project; "default" when left out.'),
  description: z.string().optional(),
  params: z.record(z.string(), paramSchema).optional(),
  triggers: triggersSchema.optional(),
  rollback: z.boolean().optional().describe('On abort, undo every completed move first, newest first.'),
  timeout: duration.optional().describe('The whole task.'),
  plot: z.array(henchmanSchema).min(1).describe('The moves, in order.'),
});

export type Task = z.infer<typeof taskSchema>;
export type Henchman = z.infer<typeof henchmanSchema>;
export type Param = z.infer<typeof paramSchema>;
export type ParamType = (typeof paramTypes)[number];
export type OnFailure = z.infer<typeof onFailureSchema>;
export type Retry = z.infer<typeof retrySchema>;
export type Undo = z.infer<typeof undoSchema>;
export type Expect = z.infer<typeof expectSchema>;
