/**
 * ec2 associate-address: put an Elastic IP address on an instance (AssociateAddress with AllowReassociation false,
 * so an address in use elsewhere is never taken away). An address already on this very instance is a success
 * (a retried move), answered with its current association. Undone by disassociate-address.
 *
 * Input: instanceId, allocationId, region. Output: associationId, instanceId, publicIp.
 *
 * | error                                                  | result                                          |
 * | ------------------------------------------------------ | ----------------------------------------------- |
 * | the instance is another project's, untagged, or gone   | Failed, naming it and its project               |
 * | the address is associated with another instance        | Failed, naming that instance                    |
 * | Resource.AlreadyAssociated                             | Failed                                          |
 * | InvalidAllocationID.*                                  | Invalid                                         |
 * | InvalidInstanceID.NotFound, IncorrectInstanceState     | Failed                                          |
 * | anything else                                          | as in errors.ts                                 |
 */
import { AssociateAddressCommand, DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import { FailedError, InvalidError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { regionOf } from './instances.ts';
import { checkOwnedAndThere } from './ownership.ts';

export function associateAddressAction(clientFor: Ec2ClientFor): Action {
  return async (input, call) => {
    const instanceId = input.instanceId as string;
    const allocationId = input.allocationId as string;
    const client = clientFor(regionOf(input));
    await checkOwnedAndThere(client, [instanceId], call.context.project);
    const described = await callEc2('DescribeAddresses', () =>
      client.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] })),
    );
    const address = described.Addresses?.find((a) => a.AllocationId === allocationId);
    if (!address) throw new InvalidError(`Elastic IP ${allocationId} does not exist`);
    const publicIp = address.PublicIp ?? '';
    if (address.AssociationId && address.InstanceId === instanceId) {
      return { output: { associationId: address.AssociationId, instanceId, publicIp } };
    }
    if (address.AssociationId) {
      throw new FailedError(
        `Elastic IP ${publicIp} (${allocationId}) is associated with ${address.InstanceId ?? address.NetworkInterfaceId ?? 'something else'}`,
      );
    }
    const associated = await callEc2('AssociateAddress', () =>
      client.send(new AssociateAddressCommand({ InstanceId: instanceId, AllocationId: allocationId, AllowReassociation: false })),
    );
    if (!associated.AssociationId) throw new FailedError('AssociateAddress answered without an association id');
    return { output: { associationId: associated.AssociationId, instanceId, publicIp } };
  };
}
