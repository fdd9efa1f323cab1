import { describe, expect, it } from 'vitest';
import { each } from '#task/rules/each';
import type { Task } from '#task/schema';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('each rule', () => {
  it('accepts each over a list reference, with concurrency', () => {
    // Prepare
    const task: Task = {
      ...taskOf(run({ each: '${params.hosts}', concurrency: 2 }), run({ name: 'all', each: '${connect}' }), run({ name: 'any', each: '${trigger.hosts}' })),
      params: { hosts: { type: 'list' } },
    };
    // Act
    const errors = check(each, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports concurrency without each', () => {
    // Prepare
    const task = taskOf(run({ concurrency: 2 }));
    // Act
    const errors = check(each, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'concurrency-without-each',
        place: 'plot[0].concurrency',
        message: "henchman 'connect' sets concurrency without each: concurrency limits how many items of an each run at once",
      },
    ]);
  });

  it('reports each over text and over a reference that is not a list', () => {
    // Prepare
    const task = taskOf(launch(), run({ each: 'web-1,web-2' }), run({ name: 'again', each: '${provision.privateIp}' }));
    // Act
    const errors = check(each, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'each-not-list',
        place: 'plot[1].each',
        message: "henchman 'connect' has each: 'web-1,web-2', but each must be exactly one reference to a list, such as ${params.hosts} or ${search.hosts}",
      },
      { code: 'each-not-list', place: 'plot[2].each', message: "henchman 'again' plays once per item of ${provision.privateIp}, but that is text, not a list" },
    ]);
  });

  it.each(['${project.securityGroupIds}', '${execution.id}'])('reports each over %s, which is not a list in the execution', (reference) => {
    // Prepare
    const task = taskOf(run({ each: reference }));
    // Act
    const errors = check(each, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'each-not-list',
        place: 'plot[0].each',
        message: `henchman 'connect' has each: ${reference}, but each plays over a list in the execution: a param, a trigger field or a henchman's output`,
      },
    ]);
  });
});
