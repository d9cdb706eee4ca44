import { z } from 'zod';

/** An organization ID: lower-case, URL-safe, short (it appears in API paths, logs and the store). */
export const organizationId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _ (at most 63)');
