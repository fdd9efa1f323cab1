/** The ec2 provider's actions, by the names of the catalog (lambdas/task/catalog.ts). */
import type { ProviderActions } from '../runtime.ts';
import { associateAddressAction } from './associate-address.ts';
import { ec2ClientFor, type Ec2ClientFor } from './clients.ts';
import { describeAction } from './describe.ts';
import { disassociateAddressAction } from './disassociate-address.ts';
import { instanceRolesFromEnv, launchAction } from './launch.ts';
import { rebootAction } from './reboot.ts';
import { startAction } from './start.ts';
import { stopAction } from './stop.ts';
import { tagAction } from './tag.ts';
import { terminateAction } from './terminate.ts';
import { waitAction } from './wait.ts';

/**
 * Every ec2 action, acting through the clients `clientFor` gives (tests pass a mocked one); `instanceRoles` are the
 * roles launch may hand to instances (launch.ts), from the environment by default.
 */
export function createEc2Actions(clientFor: Ec2ClientFor = ec2ClientFor, instanceRoles = instanceRolesFromEnv()): ProviderActions {
  return {
    launch: launchAction(clientFor, instanceRoles),
    terminate: terminateAction(clientFor),
    stop: stopAction(clientFor),
    start: startAction(clientFor),
    reboot: rebootAction(clientFor),
    describe: describeAction(clientFor),
    wait: waitAction(clientFor),
    tag: tagAction(clientFor),
    'associate-address': associateAddressAction(clientFor),
    'disassociate-address': disassociateAddressAction(clientFor),
  };
}

export const actions: ProviderActions = createEc2Actions();
