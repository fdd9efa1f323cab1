/**
 * Projects are kept apart: an ec2 move changes only instances whose `mastermind:project` tag equals its own project
 * (the event's context.project). One Lambda role serves every project, so IAM can only insist that the tag is there
 * (lib/providers.ts); the equality is checked here, before any call that changes anything (stop, start, reboot,
 * terminate, tag, associate-address, disassociate-address). Reading (describe, wait) is not checked.
 *
 * The tags come from DescribeTags (resource-id and key filters); an instance the answer does not name is looked up
 * with DescribeInstances (instance-id filter, which answers nothing rather than an error for an unknown id) to tell
 * an untagged instance from one that is gone.
 *
 * | instance                                          | result                                                     |
 * | ------------------------------------------------- | ---------------------------------------------------------- |
 * | tagged mastermind:project = the move's project    | acted on                                                   |
 * | tagged with another project                       | Failed, naming the instance and the project it belongs to  |
 * | without a mastermind:project tag                  | Failed, naming the instance                                |
 * | gone (EC2 knows no such instance)                 | in `gone`: the action decides (terminate: already done)    |
 * | DescribeTags / DescribeInstances fails            | as in errors.ts                                            |
 * Every foreign or untagged instance is named in one Failed, and nothing at all is changed.
 */
import { DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { FailedError } from '../contract.ts';
import { callEc2 } from './errors.ts';
import { describeAll } from './instances.ts';

/** The tag that says which project an instance belongs to; launch puts it on every instance it makes. */
export const PROJECT_TAG = 'mastermind:project';

/** The project tag of each of these instances that has one, following NextToken. */
async function projectTags(client: EC2Client, ids: readonly string[]): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await callEc2('DescribeTags', () =>
      client.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-id', Values: [...ids] },
            { Name: 'key', Values: [PROJECT_TAG] },
          ],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    for (const tag of page?.Tags ?? []) {
      if (tag.ResourceId && tag.Key === PROJECT_TAG) tags.set(tag.ResourceId, tag.Value ?? '');
    }
    nextToken = page?.NextToken;
  } while (nextToken);
  return tags;
}

/**
 * Checks that every instance named belongs to `project`; throws Failed naming each one that does not. Answers the
 * ids EC2 does not know (gone), which were not checked and must not be acted on as if they were.
 */
export async function checkOwnership(client: EC2Client, ids: readonly string[], project: string): Promise<{ gone: string[] }> {
  const tags = await projectTags(client, ids);
  const untagged = ids.filter((id) => !tags.has(id));
  const existing = new Set<string>();
  if (untagged.length > 0) {
    const found = await describeAll(client, { Filters: [{ Name: 'instance-id', Values: untagged }] });
    for (const instance of found) if (instance.InstanceId) existing.add(instance.InstanceId);
  }
  const problems: string[] = [];
  for (const id of ids) {
    const owner = tags.get(id);
    if (owner === undefined) {
      if (existing.has(id)) problems.push(`instance ${id} has no ${PROJECT_TAG} tag`);
    } else if (owner !== project) {
      problems.push(`instance ${id} belongs to project ${owner || '(empty)'}`);
    }
  }
  if (problems.length > 0) {
    throw new FailedError(`${problems.join('; ')}: a move of project ${project} acts only on instances tagged ${PROJECT_TAG}=${project}`);
  }
  return { gone: untagged.filter((id) => !existing.has(id)) };
}

/** Checks ownership and fails for an instance that is gone too (every action but terminate). */
export async function checkOwnedAndThere(client: EC2Client, ids: readonly string[], project: string): Promise<void> {
  const { gone } = await checkOwnership(client, ids, project);
  if (gone.length > 0) {
    throw new FailedError(`${gone.length === 1 ? `instance ${gone[0]} does not` : `instances ${gone.join(', ')} do not`} exist`);
  }
}
