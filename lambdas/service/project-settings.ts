/**
 * Project settings as the API takes them: each setting's form, every problem with its place
 * (`settings.securityGroupIds[1]`). Secret settings (key, chefClientKey) are `${secret:/ssm/name}` references,
 * never the secret itself, and every secret a setting names lies under the project's own path or the shared one
 * (#task/secret-layout): settings are trusted like the task, so they must not reach another project's secrets.
 */
import { z } from 'zod';
import type { ProjectSettings } from '#task/catalog';
import { secretNamesIn, settingText, walkStrings } from '#task/references';
import { DEFAULT_SECRET_LAYOUT, secretAllowed, secretPathsSentence, type SecretLayout } from '#task/secret-layout';
import type { ErrorDetail } from './errors.ts';
import { ServiceError } from './errors.ts';

const secretReference = z
  .string()
  .regex(/^\$\{secret:\/[A-Za-z0-9_.\-/]+\}$/, 'must be a secret reference such as ${secret:/mastermind/<project>/ssh-key}, never the secret itself');
const text = z.string().min(1).max(2048);

export const projectSettingsSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1').optional(),
  subnetId: z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id (subnet-...)').optional(),
  securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id (sg-...)')).max(5).optional(),
  keyName: text.optional(),
  user: text.optional(),
  key: secretReference.optional(),
  // Exactly what the ssh provider compares (#providers/ssh/connection FINGERPRINT_PATTERN): a padded one would pass here and fail every run.
  hostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 host key fingerprint as ssh-keygen -lf prints it: SHA256: and 43 base64 characters, no trailing =')
    .optional(),
  chefServerUrl: z.string().url('must be a URL').regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
  chefClientName: text.optional(),
  chefClientKey: secretReference.optional(),
}) satisfies z.ZodType<ProjectSettings>;

/** zod issues → details with places such as `settings.securityGroupIds[1]`. */
export function zodDetails(error: z.ZodError, root: string): ErrorDetail[] {
  return error.issues.map((issue) => {
    let place = root;
    for (const segment of issue.path) place += typeof segment === 'number' ? `[${segment}]` : `${place ? '.' : ''}${String(segment)}`;
    if (issue.code === 'unrecognized_keys') {
      return { place, message: `unknown ${issue.keys.length === 1 ? 'setting' : 'settings'}: ${issue.keys.join(', ')}` };
    }
    return { place, message: issue.message };
  });
}

/** Every secret the settings name outside the project's paths, with its place. */
export function secretsOutsideProject(settings: ProjectSettings, project: string, layout: SecretLayout): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  walkStrings(settings, [], (text, place) => {
    for (const name of secretNamesIn(settingText(text))) {
      if (secretAllowed(name, project, layout)) continue;
      let where = 'settings';
      for (const segment of place) where += typeof segment === 'number' ? `[${segment}]` : `.${segment}`;
      details.push({ place: where, message: `\${secret:${name}} is not one of project ${project}'s secrets: ${secretPathsSentence(project, layout)}` });
    }
  });
  return details;
}

export function checkSettings(value: unknown, project: string, layout: SecretLayout = DEFAULT_SECRET_LAYOUT): ProjectSettings {
  const parsed = projectSettingsSchema.safeParse(value);
  if (!parsed.success) throw new ServiceError('InvalidSettings', 'The project settings are not valid.', zodDetails(parsed.error, 'settings'));
  const outside = secretsOutsideProject(parsed.data, project, layout);
  if (outside.length > 0) throw new ServiceError('InvalidSettings', 'The project settings are not valid.', outside);
  return parsed.data;
}
