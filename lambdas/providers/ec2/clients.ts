/**
 * EC2 clients: one per region, built once per Lambda container and shared by every action. The SDK honours
 * AWS_ENDPOINT_URL_EC2 by itself, so a user can point the provider at an emulator.
 */
import { EC2Client } from '@aws-sdk/client-ec2';

/** The client for a region (undefined: the Lambda's own region). Actions receive this so tests can inject one. */
export type Ec2ClientFor = (region: string | undefined) => EC2Client;

const clients = new Map<string, EC2Client>();

export const ec2ClientFor: Ec2ClientFor = (region) => {
  const key = region ?? '';
  let client = clients.get(key);
  if (!client) {
    client = new EC2Client(region ? { region } : {});
    clients.set(key, client);
  }
  return client;
};
