/**
 * An existing network named by ids (what `cdk deploy -c vpcId=... -c subnetIds=... -c securityGroupIds=...` gives),
 * as the VPC, subnets and security groups the providers take. Nothing is looked up: synth stays offline.
 */
import { Annotations, Fn } from 'aws-cdk-lib';
import { SecurityGroup, Subnet, Vpc, type ISecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

export interface NetworkIds {
  /** The VPC, `vpc-...`. */
  readonly vpcId: string;
  /** The subnets the ssh and chef providers run in, `subnet-...` (private subnets with a route to what they reach). */
  readonly subnetIds: readonly string[];
  /** Security groups of the ssh and chef providers, `sg-...`. @default one new group per function, all outbound allowed */
  readonly securityGroupIds?: readonly string[];
}

/** EC2 resource ids: the kind, a dash, 8 or 17 hexadecimal digits. */
const ID = {
  vpcId: /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  subnetIds: /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  securityGroupIds: /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
} as const;

/** Every malformed id, as sentences; empty when the ids are well formed. */
export function networkProblems(ids: NetworkIds): string[] {
  const problems: string[] = [];
  if (!ID.vpcId.test(ids.vpcId)) problems.push(`vpcId "${ids.vpcId}" is not a VPC id (vpc-...)`);
  if (ids.subnetIds.length === 0) problems.push('subnetIds names no subnet: give at least one (two in different zones for availability)');
  for (const id of ids.subnetIds) if (!ID.subnetIds.test(id)) problems.push(`subnetIds: "${id}" is not a subnet id (subnet-...)`);
  for (const id of ids.securityGroupIds ?? []) if (!ID.securityGroupIds.test(id)) problems.push(`securityGroupIds: "${id}" is not a security group id (sg-...)`);
  return problems;
}

export interface ImportedNetwork {
  readonly vpc: IVpc;
  readonly vpcSubnets: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
}

export function importNetwork(scope: Construct, ids: NetworkIds): ImportedNetwork {
  const problems = networkProblems(ids);
  if (problems.length > 0) throw new Error(`The network is not usable: ${problems.join('; ')}.`);
  // The functions are given their subnets by id (below), so the VPC needs no subnets or zones of its own.
  const vpc = Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId: ids.vpcId, availabilityZones: Fn.getAzs() });
  Annotations.of(vpc).acknowledgeWarning('@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones', 'No subnet is selected from the VPC: the functions get theirs by id.');
  const subnets = ids.subnetIds.map((id) => {
    const subnet = Subnet.fromSubnetId(scope, `Subnet-${id}`, id);
    Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'Lambda needs only the subnet id; nothing reads its route table.');
    return subnet;
  });
  const securityGroups = ids.securityGroupIds?.map((id) => SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup-${id}`, id));
  return { vpc, vpcSubnets: { subnets }, ...(securityGroups && securityGroups.length > 0 ? { securityGroups } : {}) };
}
