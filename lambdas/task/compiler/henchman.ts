/**
 * The states of one henchman.
 *
 *   plain        "X" (Task) ─────────────────────────────────────────────→ next        one transition
 *   expect       "X" → "X: check" ─met→ next, else "X: unexpected" → failure route
 *   polls or     "X" ─output→ next                                                    one transition
 *   detached     (waits for the world, or a command run detached on the host: ./deadline.ts)
 *                 └─its first answer asks to be polled (Mastermind.Polled, caught into its record)→ "X: wait" → "X"
 *                   (a poll round, retried every N s while waiting; still waiting at the timeout: the failure route
 *                   with Mastermind.Waiting)                                                  (./poll.ts pollingTask)
 *   fire         "X" (InvocationType Event) → next
 *   each         "X: items?" ─no value→ "X: no list" → failure route; ─not a list→ "X: not a list" → failure route
 *                           ─more than MAX_EACH_ITEMS→ "X: too many items" → failure route
 *                           └─else→ ("X: list" → "X: list?" ─an object→ "X: not a list", when the compiler cannot
 *                                    prove the value a list: provenList)
 *                                   "X" (inline Map over the list; the states above per item, inside;
 *                                    a failed item leaves its failure record in its place: eachState)
 *                           → "X: failed items?" ─none→ next
 *                                 └─some→ "X: items failed" → "X: item failure" → "X: aborted?"
 *                                           ─a cancel or the deadline→ "X: items aborted" → "X: item abort" → abort route
 *                                           └─else→ failure route                              (failedItemStates)
 *                (the henchman's first state is then "X: items?": see entryOf)
 *   continue     every failure → "X: failed" (records { failed, error, cause } in out.X) → next
 *
 * Every failure (errors after retries, expect not met, poll timeout) is recorded in $.failure and goes
 * to the henchman's failure route (retreat?, goto target, or the abort route) — see ./retreat.ts.
 * A cancel (Mastermind.Cancelled, thrown by the provider runtime before a do or poll) is caught first and goes
 * to the abort route, whatever onFailure says (moveCatchers in ./states.ts).
 */
import type { Handover } from './handover.ts';
import { findAction } from '../catalog.ts';
import type { ActionSpec, ProviderName } from '../catalog.ts';
import { parseTemplate, wholeReference } from '../references.ts';
import type { Henchman, Task } from '../schema.ts';
import type { Catcher, ChoiceRule, JsonObject, State } from './asl.ts';
import { any, expectRule, isPresent } from './expect.ts';
import { CompileError, StateGraph } from './graph.ts';
import { MAX_EACH_ITEMS, NAMES, outputPath, recordPath, STATE, stateKey } from './layout.ts';
import { eventTemplate, fullPath, inputTemplate, resolveReference } from './payload.ts';
import type { PayloadScope } from './payload.ts';
import { DEFAULT_POLL_TIMEOUT, pollingMove, pollingTask } from './poll.ts';
import { moveTiming } from './deadline.ts';
import { choice, choiceTarget, ERRORS, invoke, moveCatchers, pass, retriers, transition } from './states.ts';
import type { Target } from './states.ts';

export interface PlotContext {
  readonly graph: StateGraph;
  readonly scope: PayloadScope;
  functionName(provider: ProviderName): string;
  /** Where the henchman advances to: the next henchman, its `next`, or null for the end. */
  advance(h: Henchman): Target;
  /** Where a failure of the henchman goes once recorded in $.failure (for onFailure other than continue). */
  failureRoute(h: Henchman): string;
  /** The first state of the henchman of that name (see entryOf). */
  entry(name: string): string;
  /** The first state of the abort route, where a cancel goes from every forward move. */
  readonly abortEntry: string;
  /** The errors that go straight to the abort route from every forward move (states.ts abortErrors). */
  readonly abortErrors: readonly string[];
  /** Set when the task is played as a chain of executions (./handover.ts). */
  readonly handover?: Handover;
}

function onFailureKind(h: Henchman): 'abort' | 'continue' | 'goto' | 'retreat' {
  const f = h.onFailure ?? 'abort';
  return typeof f === 'string' ? f : 'goto' in f ? 'goto' : 'retreat';
}

function actionOf(h: Henchman): ActionSpec {
  const spec = findAction(h.provider, h.action);
  if (!spec) throw new CompileError(`${h.name}: the ${h.provider} provider has no action "${h.action}"`);
  return spec;
}

/** The state a failure of `h` goes to, with $.failure = { Error, Cause } set. */
function failureSink(h: Henchman, ctx: PlotContext): string {
  return onFailureKind(h) === 'continue' ? NAMES.failed(h.name) : ctx.failureRoute(h);
}

export function henchmanStates(h: Henchman, ctx: PlotContext): void {
  const { graph, scope } = ctx;
  const name = h.name;
  const spec = actionOf(h);
  const sink = failureSink(h, ctx);
  const functionName = ctx.functionName(h.provider as ProviderName);
  const timing = moveTiming(h, spec, DEFAULT_POLL_TIMEOUT);
  const timeoutSeconds = timing.taskTimeoutSeconds;

  if (onFailureKind(h) === 'continue') {
    graph.add(
      NAMES.failed(name),
      pass({
        parameters: { failed: true, 'error.$': `${STATE.failure}.Error`, 'cause.$': `${STATE.failure}.Cause` },
        resultPath: recordPath(name),
        target: ctx.advance(h),
      }),
    );
  }

  if (h.each !== undefined) {
    const items = itemsPath(h, scope);
    // In this order: a Choice takes the first rule met, so the type tests only see a value that is there.
    const notAList = any(['IsNull', 'IsString', 'IsNumeric', 'IsBoolean'].map((test) => ({ Variable: items, [test]: true })));
    graph.add(
      NAMES.items(name),
      choice(
        [
          { rule: isPresent(items, false), next: NAMES.noList(name) },
          { rule: notAList, next: NAMES.notAList(name) },
          { rule: isPresent(`${items}[${MAX_EACH_ITEMS}]`), next: NAMES.tooManyItems(name) },
        ],
        provenList(h, scope) ? name : NAMES.listText(name),
      ),
    );
    if (!provenList(h, scope)) {
      // An object passes the tests above, and a Map over one is a States.Runtime error that no Catch takes: its JSON
      // text tells (a list's begins with "["). The text waits in the henchman's record, which the Map then replaces.
      // The list is selected by InputPath (which may hold a key in brackets) so that the intrinsic reads only `$`;
      // ResultPath places the text into the state's raw input.
      graph.add(
        NAMES.listText(name),
        pass({ inputPath: items, parameters: { 'list.$': 'States.JsonToString($)' }, resultPath: recordPath(name), target: NAMES.listCheck(name) }),
      );
      graph.add(NAMES.listCheck(name), choice([{ rule: { Variable: `${recordPath(name)}.list`, StringMatches: '[*' }, next: name }], NAMES.notAList(name)));
    }
    graph.add(NAMES.noList(name), pass({ result: { Error: ERRORS.invalid, Cause: `${name}: ${h.each} has no value in this execution` }, resultPath: STATE.failure, target: sink }));
    graph.add(NAMES.notAList(name), pass({ result: { Error: ERRORS.invalid, Cause: `${name}: ${h.each} is not a list in this execution` }, resultPath: STATE.failure, target: sink }));
    graph.add(NAMES.tooManyItems(name), pass({ result: tooManyItemsFailure(h), resultPath: STATE.failure, target: sink }));
    graph.add(name, eachState(h, items, spec, ctx, sink));
    return;
  }

  const event = eventTemplate(
    { henchman: name, action: h.action, ...inputTemplate(h.with, spec, scope), phase: 'do', timeout: timing.contextTimeout, detach: timing.detach },
    scope,
  );

  if (h.fire) {
    if (timing.detach) throw new CompileError(`${name}: a fired move cannot run detached (nothing polls it)`);
    graph.add(
      name,
      invoke({
        functionName,
        payload: event,
        fire: true,
        resultSelector: { fired: true },
        resultPath: recordPath(name),
        catch: moveCatchers(sink, ctx.abortEntry, ctx.abortErrors),
        target: ctx.advance(h),
      }),
    );
    return;
  }

  const afterOutput: Target = h.expect ? NAMES.check(name) : ctx.advance(h);
  if (timing.polls) {
    const { spec: polls, bound } = timing.polls;
    // The answer is the henchman's record ({ output }, or { poll } while it waits); the start states give it an empty
    // one (pollingRecords), so that `was` is there at its first call.
    pollingTask(graph, {
      first: name,
      functionName,
      event,
      slot: recordPath(name),
      was: recordPath(name),
      bound,
      every: polls.every,
      firstWait: polls.firstWait,
      timeoutSeconds,
      retry: retriers(h.retry),
      catch: moveCatchers(sink, ctx.abortEntry, ctx.abortErrors),
      answered: afterOutput,
    });
  } else {
    graph.add(
      name,
      invoke({
        functionName,
        payload: event,
        // The answer is { output } (the provider runtime and the local engine keep nothing else): the record as it is.
        resultPath: recordPath(name),
        timeoutSeconds,
        retry: retriers(h.retry),
        catch: moveCatchers(sink, ctx.abortEntry, ctx.abortErrors),
        target: afterOutput,
      }),
    );
  }

  if (h.expect) {
    graph.add(
      NAMES.check(name),
      choice([{ rule: expectRule(h.expect, `${recordPath(name)}.output`, `${name}.expect`), next: choiceTarget(ctx.advance(h)) }], NAMES.unexpected(name)),
    );
    graph.add(NAMES.unexpected(name), pass({ result: unexpectedFailure(name), resultPath: STATE.failure, target: sink }));
  }
}

/**
 * The empty records ({}) the start states put into `out` for the henchmen whose one Task state waits for the world
 * (./poll.ts pollingTask: not `each`, not fire): their Task state hands their record to the provider as `was`, which
 * must be there at the first call.
 */
export function pollingRecords(task: Task): JsonObject {
  const records: JsonObject = {};
  for (const h of task.plot) {
    if (h.each !== undefined || h.fire) continue;
    if (moveTiming(h, actionOf(h), DEFAULT_POLL_TIMEOUT).polls) records[stateKey(h.name)] = {};
  }
  return records;
}

/** The state a henchman starts with: "<h>: items?" for `each` (the check of the list's length), else its own. */
export function entryOf(h: Henchman): string {
  return h.each === undefined ? h.name : NAMES.items(h.name);
}

function tooManyItemsFailure(h: Henchman): JsonObject {
  return {
    Error: ERRORS.invalid,
    Cause: `${h.name}: the list ${h.each} holds more than ${MAX_EACH_ITEMS} items, the most one each henchman plays over (the execution state is limited to 256 KB); split the list over several henchmen`,
  };
}

function unexpectedFailure(name: string): JsonObject {
  return { Error: ERRORS.unexpected, Cause: `the output of ${name} does not meet its expect` };
}

/**
 * Whether the list an `each` plays over is a list in every execution that has it: a catalog output field typed as a
 * list (the providers answer every catalog field with its type: ../../providers/late.ts) or the whole output of an
 * `each` henchman (the Map's list). Anything else may hold an object, which "X: list" and "X: list?" send to the
 * failure route: a field of a hook's body, a key inside a map param, a field of an output typed as an object, and a
 * param declared `type: list` too (the API checks the params' types before it starts an execution, but a start from
 * the console or the SDK goes around the API).
 */
function provenList(h: Henchman, scope: PayloadScope): boolean {
  const whole = wholeReference(parseTemplate(h.each!));
  if (!whole || whole.root !== 'henchman') return false;
  const source = scope.plot?.get(whole.henchman!);
  if (!source) return false;
  if (whole.path.length === 0) return source.each !== undefined;
  const field = whole.path.length === 1 && typeof whole.path[0] === 'string' ? findAction(source.provider, source.action)?.output[whole.path[0]] : undefined;
  return source.each === undefined && field !== undefined && field.type.endsWith('[]');
}

/** The JSONPath of the list an `each` plays over. */
function itemsPath(h: Henchman, scope: PayloadScope): string {
  const whole = wholeReference(parseTemplate(h.each!));
  const resolved = whole ? resolveReference(whole, scope) : undefined;
  if (!resolved || !('path' in resolved)) throw new CompileError(`${h.name}.each must be one reference to a list in the execution (params, trigger or a henchman's output)`);
  // The whole path, late part included: "<h>: items?" tests it before the Map reads it.
  return fullPath(resolved);
}

/**
 * `each`: an inline Map whose iterations play the henchman once per item; its output is the list of outputs.
 *
 * An item that fails (its errors after retries, a wait that reaches the bound, an unmet expect) does not fail the
 * Map: the iteration catches it and answers `{ <every catalog output field>: null, failed: true, index, item,
 * error, cause }` in the item's place, so that the outputs of the items that completed are kept (and undone by the
 * undo Map, which skips failed items: ./rollback.ts). After the Map, "X: failed items?" looks for a failed
 * one, and "X: items failed" takes the henchman's failure route with the first failed item's error and a cause
 * naming them all, index and item (read with the JSONPath filter `[?(@.failed == true)]`): `restart: 1 of 3 items
 * failed, at [1] (["web-2"]); the first: <its cause>`. The record keeps the list (failed items in their places),
 * so a rollback or a retreat undoes the items that completed. The abort errors (a cancel, the task's deadline)
 * inside an item are recorded the same way, with `aborted: true` ("X: item aborted"); after the Map, "X: aborted
 * items?" finds one and "X: items aborted" takes the abort route with its error and cause, whatever onFailure says,
 * the record kept so that the rollback undoes the items that completed. A fired each is not caught per item.
 */
function eachState(h: Henchman, items: string, spec: ActionSpec, ctx: PlotContext, sink: string): State {
  const name = h.name;
  const itemScope: PayloadScope = { ...ctx.scope, item: STATE.itemValue };
  const functionName = ctx.functionName(h.provider as ProviderName);
  const timing = moveTiming(h, spec, DEFAULT_POLL_TIMEOUT);
  const timeoutSeconds = timing.taskTimeoutSeconds;
  const inner = new StateGraph();
  const item = NAMES.item(name);
  const n = { check: `${item} check`, met: `${item} met`, unexpected: `${item} unexpected`, failed: `${item} failed`, aborted: `${item} aborted` };
  const expecting = h.expect !== undefined && !h.fire;
  const afterOutput: Target = expecting ? n.check : null;
  const event = eventTemplate(
    { henchman: name, action: h.action, ...inputTemplate(h.with, spec, itemScope), phase: 'do', timeout: timing.contextTimeout, detach: timing.detach },
    itemScope,
  );
  const itemCatch: Catcher[] = [
    { ErrorEquals: [...ctx.abortErrors], ResultPath: STATE.failure, Next: n.aborted },
    { ErrorEquals: ['States.ALL'], ResultPath: STATE.failure, Next: n.failed },
  ];
  if (h.fire) {
    inner.add(item, invoke({ functionName, payload: '$.event', fire: true, resultSelector: { fired: true }, target: null }));
  } else if (timing.polls) {
    const { spec: polls, bound } = timing.polls;
    pollingMove(inner, {
      first: item,
      functionName,
      event: '$.event',
      marked: 'secrets' in event,
      late: 'late' in event,
      slot: '$.poll',
      bound,
      every: polls.every,
      firstWait: polls.firstWait,
      timeoutSeconds,
      retry: retriers(h.retry),
      catch: itemCatch,
      output: expecting
        ? pass({ parameters: { 'output.$': '$.poll.answer.output' }, resultPath: ITEM_RESULT, target: afterOutput })
        : pass({ inputPath: '$.poll.answer.output', target: null }),
    });
  } else {
    inner.add(
      item,
      invoke({
        functionName,
        payload: '$.event',
        ...(expecting ? { resultPath: ITEM_RESULT } : { outputPath: '$.output' }),
        timeoutSeconds,
        retry: retriers(h.retry),
        catch: itemCatch,
        target: afterOutput,
      }),
    );
  }
  if (expecting) {
    inner.add(n.check, choice([{ rule: expectRule(h.expect!, `${ITEM_RESULT}.output`, `${name}.expect`), next: n.met }], n.unexpected));
    inner.add(n.met, pass({ inputPath: `${ITEM_RESULT}.output`, target: null }));
    inner.add(n.unexpected, pass({ result: { Error: ERRORS.unexpected, Cause: `the output of ${name} for an item does not meet its expect` }, resultPath: STATE.failure, target: n.failed }));
  }
  if (!h.fire) {
    const nulls: JsonObject = Object.fromEntries(Object.keys(spec.output).map((field) => [field, null]));
    inner.add(
      n.failed,
      pass({
        parameters: { ...nulls, failed: true, aborted: false, 'index.$': '$.event.move.item', 'item.$': '$.value', 'error.$': `${STATE.failure}.Error`, 'cause.$': `${STATE.failure}.Cause` },
        target: null,
      }),
    );
    inner.add(
      n.aborted,
      pass({
        parameters: { ...nulls, failed: true, aborted: true, 'index.$': '$.event.move.item', 'item.$': '$.value', 'error.$': `${STATE.failure}.Error`, 'cause.$': `${STATE.failure}.Cause` },
        target: null,
      }),
    );
  }
  if (!h.fire) failedItemStates(h, ctx, sink);
  return {
    Type: 'Map',
    ItemsPath: items,
    ItemSelector: h.fire ? { event } : { event, 'value.$': STATE.itemValue },
    ...(h.concurrency ? { MaxConcurrency: h.concurrency } : {}),
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: item, States: inner.render(item) },
    ResultSelector: { 'output.$': '$' },
    ResultPath: recordPath(name),
    Catch: moveCatchers(sink, ctx.abortEntry, ctx.abortErrors),
    ...(h.fire ? transition(ctx.advance(h)) : { Next: NAMES.failedItems(name) }),
  } as State;
}

/**
 * After the Map of `each`: did an item fail, and was one of the failed items ended by a cancel or the task's deadline?
 *
 *   "X: failed items?"  one IsPresent per possible place of a failed record (at most MAX_EACH_ITEMS): precise, and
 *                       the only test AWS documents that reads no further than the list (a Choice cannot test "some
 *                       element"; a JSONPath filter inside an intrinsic function is not documented, and a filter that
 *                       matches nothing is a run-time error on the local engine) ─none→ next
 *   "X: items failed"   the failed records' index, item, error, cause and aborted, each a list gathered by a filter
 *                       `[?(@.failed == true)]` in a Parameters path (a path there may select several values:
 *                       "Manipulate parameters in Step Functions workflows"), into $.failure; read only once the
 *                       Choice proved a failed record there
 *   "X: item failure"   { Error, Cause } from those lists with intrinsic functions over plain paths, and whether one
 *                       was aborted (States.ArrayContains)
 *   "X: aborted?"       ─aborted→ "X: items aborted" (the aborted records' error and cause, gathered the same way)
 *                       → "X: item abort" ({ Error, Cause } of the first) → the abort route; else → failure route
 *
 * The happy path costs one Choice, as before; only a failure pays the helpers. Every failed record holds `aborted`
 * (true or false), so the gathered list of it is never empty.
 */
function failedItemStates(h: Henchman, ctx: PlotContext, sink: string): void {
  const name = h.name;
  const list = outputPath(name);
  const failed = `${list}[?(@.failed == true)]`;
  const aborted = `${list}[?(@.aborted == true)]`;
  const anyFailed: ChoiceRule = { Or: Array.from({ length: MAX_EACH_ITEMS }, (_, i) => ({ Variable: `${list}[${i}].failed`, IsPresent: true })) };
  ctx.graph.add(NAMES.failedItems(name), choice([{ rule: anyFailed, next: NAMES.itemsFailed(name) }], choiceTarget(ctx.advance(h))));
  ctx.graph.add(
    NAMES.itemsFailed(name),
    pass({
      parameters: { 'index.$': `${failed}.index`, 'item.$': `${failed}.item`, 'error.$': `${failed}.error`, 'cause.$': `${failed}.cause`, 'aborted.$': `${failed}.aborted` },
      resultPath: STATE.failure,
      target: NAMES.itemFailure(name),
    }),
  );
  const f = STATE.failure;
  ctx.graph.add(
    NAMES.itemFailure(name),
    pass({
      parameters: {
        'Error.$': `States.ArrayGetItem(${f}.error, 0)`,
        'Cause.$': `States.Format('${name}: {} of {} items failed, at {} ({}); the first: {}', States.ArrayLength(${f}.index), States.ArrayLength(${list}), States.JsonToString(${f}.index), States.JsonToString(${f}.item), States.ArrayGetItem(${f}.cause, 0))`,
        'aborted.$': `States.ArrayContains(${f}.aborted, true)`,
      },
      resultPath: f,
      target: NAMES.abortedItems(name),
    }),
  );
  ctx.graph.add(NAMES.abortedItems(name), choice([{ rule: { Variable: `${f}.aborted`, BooleanEquals: true }, next: NAMES.itemsAborted(name) }], sink));
  ctx.graph.add(
    NAMES.itemsAborted(name),
    pass({ parameters: { 'error.$': `${aborted}.error`, 'cause.$': `${aborted}.cause` }, resultPath: f, target: NAMES.itemAbort(name) }),
  );
  ctx.graph.add(
    NAMES.itemAbort(name),
    pass({ parameters: { 'Error.$': `States.ArrayGetItem(${f}.error, 0)`, 'Cause.$': `States.ArrayGetItem(${f}.cause, 0)` }, resultPath: f, target: ctx.abortEntry }),
  );
}

/** Inside an item of `each` with an expect: where the item's `{ output }` waits for the check. */
const ITEM_RESULT = '$.result';
