/**
 * ec2 tag: CreateTags on instances (a tag already there takes the new value).
 *
 * Input: instanceId or instanceIds, tags, region. Output: instanceIds, tags.
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | InvalidInstanceID.NotFound                | Failed                                                   |
 * | InvalidParameterValue (e.g. an aws: key)  | Invalid                                                  |
 * | TagLimitExceeded                          | Invalid                                                  |
 * | anything else                             | as in errors.ts                                          |
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { regionOf, targetIds, toTags } from './instances.ts';

export function tagAction(clientFor: Ec2ClientFor): Action {
  return async (input) => {
    const ids = targetIds(input);
    const tags = input.tags as Record<string, string>;
    await callEc2('CreateTags', () =>
      clientFor(regionOf(input)).send(new CreateTagsCommand({ Resources: ids, Tags: toTags(tags) })),
    );
    return { output: { instanceIds: ids, tags: { ...tags } } };
  };
}
