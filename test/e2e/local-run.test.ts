/**
 * The whole, locally (DESIGN.md "How it is tested"): the API on localhost creates a project and a task over
 * HTTP, an alarm notification starts it, and the execution runs to the end on the local engine through the real
 * chef and ssh providers against the loopback goiardi and sshd.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalSecrets } from '#local/providers';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ExecutionView } from '#service/executions';
import { adminApi, createNode } from '../providers/chef/fixtures.ts';
import { startGoiardi } from '../support/goiardi.ts';
import type { Goiardi } from '../support/goiardi.ts';
import { startSshd } from '../support/sshd.ts';
import type { Sshd } from '../support/sshd.ts';
import { alarmJson, snsEvent } from '../triggers/messages.ts';

let sshd: Sshd;
let goiardi: Goiardi;
let local: LocalService;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  [sshd, goiardi] = await Promise.all([startSshd(), startGoiardi()]);
  await createNode(adminApi(goiardi), { name: 'web-1', ip: '127.0.0.1', runList: ['recipe[base]'] });
  local = await startLocalService({
    secrets: new LocalSecrets({ '/mastermind/web/ssh-key': sshd.privateKey, '/mastermind/web/chef-key': goiardi.adminKey }),
  });
}, 30_000);

afterAll(async () => {
  await local?.close();
  await Promise.all([sshd?.stop(), goiardi?.stop()]);
  vi.unstubAllEnvs();
});

/** The task: find the node on the Chef server, write the alarm's name on it, fail once and retreat, enlist it, report. */
function scaleOut(dir: string, port: number): string {
  return `task: scale-out
description: Enlist the web node when the web tier is overloaded
triggers:
  alarms: [web-cpu-high]
plot:
  - name: find
    provider: chef
    action: search
    with: { query: "name:web-*" }
  - name: mark
    provider: ssh
    action: run
    with:
      host: \${find.hosts[0]}
      port: ${port}
      command: "printf '%s' \${trigger.alarmName} > ${dir}/alarm.txt; echo marked"
  - name: check
    provider: ssh
    action: run
    with:
      host: \${find.hosts[0]}
      port: ${port}
      command: "test -f ${dir}/checked || { touch ${dir}/checked; echo not yet >&2; exit 3; }"
    onFailure: { retreat: mark, times: 1 }
  - name: enlist
    provider: chef
    action: set-run-list
    with: { nodeName: "\${find.nodes[0].name}", runList: ["role[web]"] }
  - name: report
    provider: ssh
    action: run
    with:
      host: \${find.hosts[0]}
      port: ${port}
      command: "printf '%s' \${mark.stdout} > ${dir}/report.txt"
`;
}

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${local.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

/** Polls the execution through the API until it is no longer RUNNING (at most 300 rounds of 50 ms). */
async function finished(path: string): Promise<ExecutionView> {
  for (let round = 0; round < 300; round++) {
    const { json } = await call('GET', path);
    if (json.status !== 'RUNNING') return json as ExecutionView;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`execution ${path} still running`);
}

describe('a local end-to-end run', () => {
  it('an alarm starts the task saved over HTTP; it runs through chef and ssh to the end, with one retreat', async () => {
    // Prepare: the project and the task, over HTTP.
    const project = await call('PUT', '/projects/web', {
      user: sshd.user,
      key: '${secret:/mastermind/web/ssh-key}',
      hostKey: sshd.hostKeyFingerprint,
      chefServerUrl: goiardi.url,
      chefClientName: goiardi.adminName,
      chefClientKey: '${secret:/mastermind/web/chef-key}',
    });
    const saved = await call('PUT', '/projects/web/tasks/scale-out', scaleOut(sshd.dir, sshd.port), 'application/yaml');

    // Act: the alarm goes off.
    const alarm = await call('POST', '/local/alarms', snsEvent(alarmJson('web-cpu-high')));
    const listed = await call('GET', '/projects/web/tasks/scale-out/executions');
    const view = await finished(listed.json.items[0].path);

    // Assess: what the API said.
    expect([project.status, saved.status, saved.json.version]).toStrictEqual([201, 201, 1]);
    const { messages, ...counts } = alarm.json;
    expect([alarm.status, counts]).toStrictEqual([200, { started: 1, alreadyStarted: 0, skippedRunning: 0, ignored: 0, failed: 0 }]);
    expect(messages[0].tasks.map((t: { outcome: string; execution: { path: string } }) => [t.outcome, t.execution.path])).toStrictEqual([['started', listed.json.items[0].path]]);
    expect(listed.json.items).toHaveLength(1);
    expect([listed.json.items[0].path, view.path]).toStrictEqual(Array(2).fill(`/projects/web/tasks/scale-out/executions/${listed.json.items[0].name}`));
    expect({ status: view.status, project: view.project, task: view.task, version: view.version, trigger: (view.input as { trigger: object }).trigger }).toStrictEqual({
      status: 'SUCCEEDED',
      project: 'web',
      task: 'scale-out',
      version: 1,
      trigger: {
        type: 'alarm',
        alarmName: 'web-cpu-high',
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints [91.5 (04/03/25 05:01:00)] was greater than the threshold (80.0).',
        time: '2025-03-04T05:06:07.123+0000',
        region: 'eu-west-1',
        account: '123456789012',
      },
    });
    // The moves: check failed once, the task retreated to mark, played it again, and went on to the end.
    expect(view.henchmen.map((h) => [h.henchman, h.moves.map((m) => `${m.state} ${m.phase} ${m.action} ${m.status}`)])).toStrictEqual([
      ['find', ['find do search succeeded']],
      ['mark', ['mark do run succeeded', 'mark do run succeeded']],
      ['check', ['check do run failed', 'check do run succeeded']],
      ['enlist', ['enlist do set-run-list succeeded']],
      ['report', ['report do run succeeded']],
    ]);
    const moves = Object.fromEntries(view.henchmen.map((h) => [h.henchman, h.moves]));
    expect(moves.find![0]!.output).toStrictEqual({ nodes: [{ name: 'web-1', ip: '127.0.0.1', runList: ['recipe[base]'] }], hosts: ['127.0.0.1'] });
    expect(moves.mark![1]!.output).toStrictEqual({ exitCode: 0, stdout: 'marked', stderr: '', truncated: false });
    expect(moves.check![0]!.error).toStrictEqual({ error: 'Mastermind.Failed', cause: `exit code 3 is not allowed (allowed: 0) on ${sshd.user}@127.0.0.1:${sshd.port}; stderr: not yet` });
    expect(moves.enlist![0]!.output).toStrictEqual({ nodeName: 'web-1', runList: ['role[web]'] });

    // Assess: the effects on the loopback servers.
    const node = await adminApi(goiardi).get<{ run_list: string[] }>('/nodes/web-1');
    expect([node.status, node.body.run_list]).toStrictEqual([200, ['role[web]']]);
    expect(await readFile(join(sshd.dir, 'alarm.txt'), 'utf8')).toBe('web-cpu-high');
    expect(await readFile(join(sshd.dir, 'report.txt'), 'utf8')).toBe('marked');

    // Assess: the keys never left the providers: not in the execution's view, its history, or the task.
    const history = await local.deps.sfn.send(new GetExecutionHistoryCommand({ executionArn: view.executionArn, maxResults: 1000 }));
    const task = await call('GET', '/projects/web/tasks/scale-out');
    const seen = JSON.stringify([view, history.events, task.json]);
    for (const secret of [sshd.privateKey, goiardi.adminKey]) {
      for (const line of secret.split('\n').filter((l) => l.trim().length >= 16)) expect(seen).not.toContain(line);
    }
    expect(seen).toContain('${secret:/mastermind/web/ssh-key}');
  }, 60_000);

  it('takes an alarm message again without starting anything new, and ignores one out of ALARM', async () => {
    // Act
    const again = await call('POST', '/local/alarms', alarmJson('web-cpu-high'));
    const ok = await call('POST', '/local/alarms', alarmJson('web-cpu-high', 'OK'));
    const listed = await call('GET', '/projects/web/tasks/scale-out/executions');

    // Assess
    expect([again.status, again.json.alreadyStarted, again.json.messages[0].tasks[0].outcome]).toStrictEqual([200, 1, 'already-started']);
    expect([ok.status, ok.json.ignored, ok.json.messages[0].ignored]).toStrictEqual([200, 1, 'the alarm went to OK, not ALARM: only a change into ALARM starts tasks']);
    expect(listed.json.items).toHaveLength(1);
  });
});
