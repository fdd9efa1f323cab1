/**
 * Paths safe by construction (lambdas/task/keys.ts): a task with dashes everywhere (params, henchman names, a name
 * that begins with a digit, a 64-character name, keys of a hook's body and of a map param) compiles to a definition
 * whose every path, in every field kind, is in the grammar conformance.ts checks against the AWS documentation, and
 * that definition plays on the local engine with the values where they belong.
 */
import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '#task/compiler/asl';
import { compileSource } from '#task/compile';
import { conformanceErrors, intrinsicProblem, REFERENCE_PATH, SELECTING_PATH, statePaths } from '#task/conformance';
import { henchmanOfKey, stateKey } from '#task/keys';
import { allStates, runTask } from '#engine/run';
import type { ProviderEvent, ProviderResult } from '#providers/contract';
import { PROJECT } from './compiler/generated-task.ts';

const LONG = `provision-${'x'.repeat(54)}`;

const SOURCE = `
task: dash-task
rollback: true
params:
  role-name: { type: string, default: web }
  host-list: { type: list, default: [web-1, web-2] }
  zone-id: { type: string }
  cfg-map: { type: map, default: { dc-name: east } }
plot:
  - name: ${LONG}
    provider: ssh
    action: run
    with: { host: "\${params.role-name}", command: "echo \${params.role-name} in \${params.zone-id} at \${params.cfg-map.dc-name}" }
    undo: { action: run, with: { host: h, command: "echo undo" } }
  - name: 2nd-wave
    provider: ssh
    action: run
    each: \${params.host-list}
    concurrency: 1
    with: { host: "\${item}", command: "echo \${${LONG}.stdout} on \${item}" }
    undo: { action: run, with: { host: "\${item.stdout}", command: "echo undo" } }
  - name: set-runs
    provider: chef
    action: set-run-list
    with: { nodeName: "node-\${params.role-name}", runList: ["role[\${params.role-name}]", "\${params.zone-id}", "\${trigger.body.extra-role}"] }
  - name: hook-hosts
    provider: ssh
    action: run
    each: \${trigger.body.host-names}
    with: { host: "\${item}", command: "echo \${2nd-wave[0].stdout}" }
  - name: check-web
    provider: ssh
    action: run
    with: { host: "\${params.role-name}", command: "curl \${params.role-name}" }
    expect: [{ field: exitCode, equals: 0 }]
    onFailure: { retreat: 2nd-wave, times: 1 }
`;

function compiled(): StateMachineDefinition {
  const { definition, errors } = compileSource(SOURCE, { project: PROJECT });
  expect(errors).toStrictEqual([]);
  return definition!;
}

/** A shell command's text with its values in place (unquoted: what matters here is which value went where). */
function commandText(command: unknown): string {
  if (typeof command === 'string') return command;
  const { template, values } = command as { template: string; values: Record<string, unknown> };
  return template.replace(/\{\{(\d+)(?::raw)?\}\}/g, (_, n: string) => String(values[n]));
}

/** An in-process provider: answers every do and undo at once, stdout naming what it ran. */
function recorder(events: ProviderEvent[], failFirst: string[] = []): (event: ProviderEvent) => Promise<ProviderResult> {
  return async (event) => {
    events.push(event);
    const at = failFirst.indexOf(event.context.henchman);
    if (at >= 0 && event.phase === 'do') {
      failFirst.splice(at, 1);
      return { output: { exitCode: 1, stdout: '', stderr: 'not yet', truncated: false } };
    }
    if (event.action === 'set-run-list') return { output: { nodeName: event.input.nodeName, runList: event.input.runList } };
    return { output: { exitCode: 0, stdout: commandText(event.input.command), stderr: '', truncated: false } };
  };
}

describe('paths with dashes everywhere', () => {
  it('keys henchmen in the state one to one, and reads them back as names', () => {
    expect(['find-nodes', 'web', '2nd-wave', LONG].map(stateKey)).toStrictEqual(['find_nodes', 'web', '_2nd_wave', LONG.replaceAll('-', '_')]);
    expect(['find_nodes', 'web', '_2nd_wave'].map(henchmanOfKey)).toStrictEqual(['find-nodes', 'web', '2nd-wave']);
  });

  it('compiles to a definition whose every path is in the grammar of its field kind', () => {
    // Act
    const definition = compiled();
    const { task } = compileSource(SOURCE, { project: PROJECT });
    // Assess
    expect(conformanceErrors(task!, definition)).toStrictEqual([]);
    const paths = allStates(definition.States).flatMap(([, state]) => statePaths(state).map(([, path]) => path));
    // No dashed key in a dot path, anywhere; a dashed key only in brackets, and never inside an intrinsic function.
    expect(paths.filter((p) => /\.[A-Za-z0-9_]*-/.test(p.replace(/'[^']*'/g, "''")))).toStrictEqual([]);
    const intrinsics = paths.filter((p) => p.startsWith('States.'));
    expect(intrinsics.filter((p) => p.replace(/'(?:\\.|[^'\\])*'/g, "''").includes('['))).toStrictEqual([]);
    expect(intrinsics.map(intrinsicProblem).filter((problem) => problem !== undefined)).toStrictEqual([]);
    expect(paths).toContain("$.params['host-list']");
    expect(paths).toContain('$.out._2nd_wave.output');
    expect(paths).toContain("$.trigger.body['host-names']");
  });

  it('plays on the local engine with every value in its place', async () => {
    // Prepare
    const definition = compiled();
    const events: ProviderEvent[] = [];
    const input = { params: { 'zone-id': 'z-1' }, trigger: { body: { 'extra-role': 'role[db]', 'host-names': ['h-1'] } } };
    // Act: check-web fails once, retreats to 2nd-wave (undoing its items), and passes the second time.
    const result = await runTask(definition, input, { handler: recorder(events, ['check-web']), skipWaits: true });
    // Assess
    expect({ status: result.status, error: result.error }).toStrictEqual({ status: 'SUCCEEDED', error: undefined });
    const dos = events.filter((e) => e.phase === 'do');
    const first = dos.find((e) => e.context.henchman === LONG)!;
    expect([first.input.host, commandText(first.input.command)]).toStrictEqual(['web', 'echo web in z-1 at east']);
    expect(first.context).toMatchObject({ project: 'default', task: 'dash-task', henchman: LONG, attempt: 1 });
    const waves = dos.filter((e) => e.context.henchman === '2nd-wave');
    expect(waves.map((e) => [e.input.host, commandText(e.input.command), e.context.item, e.context.attempt])).toStrictEqual([
      ['web-1', 'echo echo web in z-1 at east on web-1', 0, 1],
      ['web-2', 'echo echo web in z-1 at east on web-2', 1, 1],
      ['web-1', 'echo echo web in z-1 at east on web-1', 0, 2],
      ['web-2', 'echo echo web in z-1 at east on web-2', 1, 2],
    ]);
    const runs = dos.filter((e) => e.context.henchman === 'set-runs').map((e) => e.input);
    expect(runs[0]).toMatchObject({ nodeName: 'node-web', runList: ['role[web]', 'z-1', 'role[db]'] });
    expect(dos.filter((e) => e.context.henchman === 'hook-hosts').map((e) => [e.input.host, commandText(e.input.command)])[0]).toStrictEqual(['h-1', 'echo echo echo web in z-1 at east on web-1']);
    expect(dos.filter((e) => e.context.henchman === 'check-web').map((e) => e.context.attempt)).toStrictEqual([1, 2]);
    // The retreat undid the items of 2nd-wave, newest first.
    expect(events.filter((e) => e.phase === 'undo').map((e) => [e.context.henchman, e.input.host])).toStrictEqual([
      ['2nd-wave', 'echo echo web in z-1 at east on web-1'],
      ['2nd-wave', 'echo echo web in z-1 at east on web-2'],
    ]);
    // The state keys every henchman by its key; each reads back as its name.
    const state = result.output as { out: Record<string, unknown>; count: { pass: number; retreats: string } };
    expect(Object.keys(state.out).map(henchmanOfKey).sort()).toStrictEqual([LONG, '2nd-wave', 'check-web', 'hook-hosts', 'set-runs'].sort());
    expect(state.count.pass).toBe(2);
    // One retreat taken, check-web's: its mark holds its key.
    expect(state.count.retreats).toBe('(check_web)');
  });
});

describe('the path grammar of each field kind', () => {
  it.each([
    ['$.out.find_nodes.output.hosts[0]', true],
    ["$.params['role-name']", true],
    ['$.out.find-nodes.output', false],
    ['$.out.2nd.output', false],
    ["$.params['it's']", false],
    ['$.out.x.output[?(@.failed == true)]', false],
    ['$..x', false],
  ])('takes %s as a reference path: %s', (path, ok) => {
    expect(REFERENCE_PATH.test(path)).toBe(ok);
  });

  it('takes one equality filter in a field that may select several values, and nothing looser', () => {
    expect(SELECTING_PATH.test('$.out.x.output[?(@.failed == true)].error')).toBe(true);
    expect(SELECTING_PATH.test('$.out.x.output[?(@.a > 1)]')).toBe(false);
    expect(SELECTING_PATH.test('$.out.x.output[*].error')).toBe(false);
  });

  it.each([
    ["States.Format('role:{}', $.params.role)", undefined],
    ["States.JsonMerge($.context, States.StringToJson(States.Format('\\{\"henchman\":\"a-b\",\"attempt\":{}\\}', $.count.plays.a_b)), false)", undefined],
    ["States.Format('{}', $.params.role-name)", 'the argument $.params.role-name is not a path of shorthand names and indexes at character 21'],
    ["States.Format('{}', $.params['role-name'])", "the argument $.params['role-name'] is not a path of shorthand names and indexes at character 21"],
    ['States.ArrayLength($.out.x.output[?(@.failed == true)])', 'the argument $.out.x.output[?(@.failed is not a path of shorthand names and indexes at character 20'],
    ["States.Format('a { b', $.x)", 'an unescaped "{" in a string at character 18'],
  ])('reads the intrinsic %s', (text, problem) => {
    expect(intrinsicProblem(text)).toBe(problem);
  });

  it('refuses a definition with a dashed key in an intrinsic argument, at the henchman whose state holds it', () => {
    // Prepare: what the compiler wrote before state keys.
    const { task } = compileSource(SOURCE, { project: PROJECT });
    const definition = compiled();
    const state = definition.States['check-web'] as unknown as { Parameters: { input: Record<string, unknown> } };
    state.Parameters.input['command.$'] = "States.Format('curl {}', $.out.2nd-wave.output)";
    // Act
    const errors = conformanceErrors(task!, definition);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'bad-path',
        place: 'plot[4].name',
        message:
          'the state "check-web" has, in Parameters "command.$", the intrinsic function States.Format(\'curl {}\', $.out.2nd-wave.output) has the argument $.out.2nd-wave.output is not a path of shorthand names and indexes at character 26: Step Functions would refuse or misread it',
      },
    ]);
  });
});
