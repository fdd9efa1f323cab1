/**
 * ec2 tag: CreateTags on instances (a tag already there takes the new value), only on instances of the move's
 * project (ownership.ts). The mastermind:project tag itself is launch's to set: a task cannot move an instance to
 * another project (or claim one) by tagging it.
 *
 * Input: instanceId or instanceIds, tags, region. Output: instanceIds, tags.
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | a tag key mastermind:project (any case)   | Invalid; nothing tagged                                  |
 * | another project's, untagged, or gone      | Failed, naming it and its project; nothing tagged        |
 * | InvalidInstanceID.NotFound                | Failed                                                   |
 * | InvalidParameterValue (e.g. an aws: key)  | Invalid                                                  |
 * | TagLimitExceeded                          | Invalid                                                  |
 * | anything else                             | as in errors.ts                                          |
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { InvalidError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { regionOf, targetIds, toTags } from './instances.ts';
import { checkOwnedAndThere, PROJECT_TAG } from './ownership.ts';

export function tagAction(clientFor: Ec2ClientFor): Action {
  return async (input, call) => {
    const ids = targetIds(input);
    const tags = input.tags as Record<string, string>;
    const claimed = Object.keys(tags).find((key) => key.toLowerCase() === PROJECT_TAG);
    if (claimed !== undefined) {
      throw new InvalidError(`tags: ${claimed} says which project an instance belongs to; launch sets it, a task cannot change it`);
    }
    const client = clientFor(regionOf(input));
    await checkOwnedAndThere(client, ids, call.context.project);
    await callEc2('CreateTags', () => client.send(new CreateTagsCommand({ Resources: ids, Tags: toTags(tags) })));
    return { output: { instanceIds: ids, tags: { ...tags } } };
  };
}
