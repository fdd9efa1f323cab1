/**
 * The subset of the Amazon States Language (JSONPath flavour) that the compiler emits.
 *
 * Only JSONPath and intrinsic functions: the local engine (aws-local-stepfunctions) ignores JSONata and
 * has no `Assign`, so neither appears here.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string | null;
  Next: string;
}

/** Either `Next` or `End: true`, never both. */
export type Transition = { Next: string; End?: never } | { End: true; Next?: never };

interface Common {
  Comment?: string;
}

export type TaskState = Common &
  Transition & {
    Type: 'Task';
    InputPath?: string;
    Resource: string;
    Parameters?: JsonObject;
    ResultSelector?: JsonObject;
    ResultPath?: string | null;
    OutputPath?: string;
    TimeoutSeconds?: number;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type PassState = Common &
  Transition & {
    Type: 'Pass';
    InputPath?: string;
    Parameters?: JsonObject;
    Result?: JsonValue;
    ResultPath?: string | null;
    OutputPath?: string;
  };

export type WaitState = Common & Transition & { Type: 'Wait'; Seconds?: number; SecondsPath?: string };

/** A rule of a Choice state: a data test or a boolean combination, without `Next`. */
export type ChoiceRule =
  | ({ Variable: string } & { [operator: string]: JsonValue })
  | { And: ChoiceRule[] }
  | { Or: ChoiceRule[] }
  | { Not: ChoiceRule };

export type ChoiceState = Common & {
  Type: 'Choice';
  Choices: (ChoiceRule & { Next: string })[];
  Default?: string;
};

export type MapState = Common &
  Transition & {
    Type: 'Map';
    ItemsPath: string;
    ItemSelector?: JsonObject;
    MaxConcurrency?: number;
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }; StartAt: string; States: Record<string, State> };
    ResultSelector?: JsonObject;
    ResultPath?: string | null;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type SucceedState = Common & { Type: 'Succeed'; OutputPath?: string };

export type FailState = Common & { Type: 'Fail'; Error?: string; Cause?: string; ErrorPath?: string; CausePath?: string };

export type State = TaskState | PassState | WaitState | ChoiceState | MapState | SucceedState | FailState;

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}
