/**
 * What an execution's `trigger` holds: who or what started it. Every field below is present in the execution
 * state ("" where it does not apply: `${trigger.alarmName}` of a run started by a person is ""), so a reference
 * to a trigger field never fails at run time. `body` holds the JSON a hook was called with.
 */
export const TRIGGER_DEFAULTS = {
  /** alarm, hook, api, console (nothing said), rehearsal */
  type: 'console',
  alarmName: '',
  reason: '',
  time: '',
  region: '',
  account: '',
  body: {},
} as const;

export type TriggerField = keyof typeof TRIGGER_DEFAULTS;

export const TRIGGER_FIELDS = Object.keys(TRIGGER_DEFAULTS) as TriggerField[];
