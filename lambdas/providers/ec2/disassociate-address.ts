/**
 * ec2 disassociate-address: take an Elastic IP address off its instance (the undo of associate-address). An
 * association that no longer exists is fine: the address is already off.
 *
 * Input: associationId, region. Output: associationId.
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | InvalidAssociationID.NotFound             | success: nothing to take off                             |
 * | InvalidAssociationID.Malformed            | Invalid                                                  |
 * | anything else                             | as in errors.ts                                          |
 */
import { DisassociateAddressCommand } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2, hasErrorCode } from './errors.ts';
import { regionOf } from './instances.ts';

export function disassociateAddressAction(clientFor: Ec2ClientFor): Action {
  return async (input) => {
    const associationId = input.associationId as string;
    try {
      await callEc2('DisassociateAddress', () =>
        clientFor(regionOf(input)).send(new DisassociateAddressCommand({ AssociationId: associationId })),
      );
    } catch (error) {
      if (!hasErrorCode(error, 'InvalidAssociationID.NotFound')) throw error;
    }
    return { output: { associationId } };
  };
}
