/**
 * The validation rules, in the order their errors are listed. The schema rule (./schema.ts) runs before
 * these, on the raw value; these run on the task (or on what could be salvaged of it).
 */
import { backslashWithReference } from './backslash-with-reference.ts';
import type { Rule } from './context.ts';
import { duplicateNames } from './duplicate-names.ts';
import { durations } from './durations.ts';
import { each } from './each.ts';
import { expect } from './expect.ts';
import { fire } from './fire.ts';
import { flowTargets } from './flow-targets.ts';
import { formattedReferences } from './formatted-references.ts';
import { historyBudget } from './history.ts';
import { inputTypes } from './input-types.ts';
import { inputs } from './inputs.ts';
import { invocation } from './invocation.ts';
import { boundedLoops } from './loops.ts';
import { names } from './names.ts';
import { outputGuaranteed } from './output-guaranteed.ts';
import { params } from './params.ts';
import { payloadKeys } from './payload-keys.ts';
import { providers } from './providers.ts';
import { references } from './references.ts';
import { secretMixed } from './secret-mixed.ts';
import { secretScope } from './secret-scope.ts';
import { secrets } from './secrets.ts';
import { shell } from './shell.ts';
import { undo } from './undo.ts';

export type { Rule, RuleContext } from './context.ts';

export const rules: readonly { name: string; check: Rule }[] = [
  { name: 'names', check: names },
  { name: 'duplicate-names', check: duplicateNames },
  { name: 'params', check: params },
  { name: 'durations', check: durations },
  { name: 'providers', check: providers },
  { name: 'inputs', check: inputs },
  { name: 'input-types', check: inputTypes },
  { name: 'payload-keys', check: payloadKeys },
  { name: 'secrets', check: secrets },
  { name: 'secret-scope', check: secretScope },
  { name: 'secret-mixed', check: secretMixed },
  { name: 'backslash-with-reference', check: backslashWithReference },
  { name: 'shell', check: shell },
  { name: 'undo', check: undo },
  { name: 'expect', check: expect },
  { name: 'each', check: each },
  { name: 'fire', check: fire },
  { name: 'invocation', check: invocation },
  { name: 'references', check: references },
  { name: 'formatted-references', check: formattedReferences },
  { name: 'flow-targets', check: flowTargets },
  { name: 'loops', check: boundedLoops },
  { name: 'output-guaranteed', check: outputGuaranteed },
  { name: 'history', check: historyBudget },
];
