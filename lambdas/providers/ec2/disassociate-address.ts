/**
 * ec2 disassociate-address: take an Elastic IP address off its instance (the undo of associate-address). An
 * association that no longer exists is fine: the address is already off. Only from an instance of the move's
 * project (ownership.ts): the association is looked up first (DescribeAddresses, association-id filter).
 *
 * Input: associationId, region. Output: associationId.
 *
 * | error                                                     | result                                        |
 * | --------------------------------------------------------- | --------------------------------------------- |
 * | the association is not known (DescribeAddresses)          | success: nothing to take off                  |
 * | the address is on another project's or an untagged instance | Failed, naming it; nothing taken off        |
 * | the address is on no instance (a network interface only)  | Failed: not on an instance of the project     |
 * | InvalidAssociationID.NotFound                             | success: nothing to take off                  |
 * | InvalidAssociationID.Malformed                            | Invalid                                       |
 * | anything else                                             | as in errors.ts                               |
 */
import { DescribeAddressesCommand, DisassociateAddressCommand } from '@aws-sdk/client-ec2';
import { FailedError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2, hasErrorCode } from './errors.ts';
import { regionOf } from './instances.ts';
import { checkOwnership } from './ownership.ts';

export function disassociateAddressAction(clientFor: Ec2ClientFor): Action {
  return async (input, call) => {
    const associationId = input.associationId as string;
    const client = clientFor(regionOf(input));
    const described = await callEc2('DescribeAddresses', () =>
      client.send(new DescribeAddressesCommand({ Filters: [{ Name: 'association-id', Values: [associationId] }] })),
    );
    const address = described.Addresses?.find((a) => a.AssociationId === associationId);
    if (!address) return { output: { associationId } };
    if (!address.InstanceId) {
      throw new FailedError(
        `Elastic IP ${address.PublicIp ?? address.AllocationId ?? ''} (association ${associationId}) is on network interface ${address.NetworkInterfaceId ?? '(none)'}, not on an instance of project ${call.context.project}`,
      );
    }
    const { gone } = await checkOwnership(client, [address.InstanceId], call.context.project);
    if (gone.length > 0) return { output: { associationId } };
    try {
      await callEc2('DisassociateAddress', () => client.send(new DisassociateAddressCommand({ AssociationId: associationId })));
    } catch (error) {
      if (!hasErrorCode(error, 'InvalidAssociationID.NotFound')) throw error;
    }
    return { output: { associationId } };
  };
}
