import { describe, expect, it } from 'vitest';
import { undoPlan } from '#task/compiler/undo';
import type { PayloadScope } from '#task/compiler/payload';
import { task } from './support.ts';

const scope: PayloadScope = { project: 'default', task: 't', version: 0, settings: { region: 'us-east-1' } };

/** The first henchman of a one-henchman task. */
const henchman = (yaml: string) => task(`task: t\nplot:\n  - ${yaml}\n`).plot[0]!;

describe('undoPlan', () => {
  it.each([
    ['instanceIds', '{ instanceIds: [i-1, i-2], region: eu-west-1 }', { 'instanceIds.$': '$.out.p.output.instanceIds', region: 'eu-west-1' }],
    ['instanceId', '{ instanceId: i-1 }', { 'instanceId.$': '$.out.p.output.instanceId', region: 'us-east-1' }],
  ])('feeds the undo the output field of a oneOf group that the henchman was given (%s), then its own values, then settings', (_field, given, input) => {
    // Prepare
    const h = henchman(`{ name: p, provider: ec2, action: stop, with: ${given}, undo: start }`);
    // Act
    const plan = undoPlan(h, scope);
    // Assess
    expect(plan).toStrictEqual({ action: 'start', input, secrets: [], late: [] });
  });

  it('takes the first output field of a oneOf group when the henchman was given none of them (launch → terminate)', () => {
    const plan = undoPlan(henchman('{ name: p, provider: ec2, action: launch, with: { imageId: ami-1 }, undo: terminate }'), scope);
    expect(plan).toStrictEqual({ action: 'terminate', input: { 'instanceId.$': '$.out.p.output.instanceId', region: 'us-east-1' }, secrets: [], late: [] });
  });

  it('resolves the references of an explicit undo like those of `with`', () => {
    const h = henchman('{ name: p, provider: ec2, action: associate-address, with: { instanceId: i-1, allocationId: a-1 }, undo: { action: disassociate-address, with: { associationId: "${p.associationId}" } } }');
    expect(undoPlan(h, scope)).toStrictEqual({ action: 'disassociate-address', input: { 'associationId.$': '$.out.p.output.associationId', region: 'us-east-1' }, secrets: [], late: [] });
  });

  it('marks the secrets the undo names and those of the settings, never the output fed to it', () => {
    // Prepare
    const keyed: PayloadScope = { ...scope, settings: { key: '${secret:/mastermind/default/ssh-key}' } };
    const fed = henchman('{ name: p, provider: ssh, action: run, with: { host: h, command: "true" }, undo: run }');
    const explicit = henchman('{ name: p, provider: ssh, action: run, with: { host: h, command: "true" }, undo: { action: run, with: { host: h, command: "revoke ${secret:/mastermind/default/token}" } } }');
    // Act
    const plans = [undoPlan(fed, keyed), undoPlan(explicit, keyed)];
    // Assess
    expect(plans.map((plan) => plan.secrets)).toStrictEqual([
      [{ path: ['key'], text: '${secret:/mastermind/default/ssh-key}' }],
      [
        { path: ['command', 'values', '0'], text: '${secret:/mastermind/default/token}' },
        { path: ['key'], text: '${secret:/mastermind/default/ssh-key}' },
      ],
    ]);
  });
});
