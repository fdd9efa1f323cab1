/**
 * What a name is: the task, its project and its henchmen are lower-case words with dashes, at most 64
 * characters. Its own module (no zod) so that the API's routes check names without loading the task schema.
 */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
