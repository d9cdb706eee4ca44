/** Query parameters that carry a credential (OAuth, Grafana, API gateways, signed URLs). */
const TOKEN_PARAMS = /^(access_token|auth_token|token|api_key|apikey|key|sig|signature|password|client_secret)$/i;

/**
 * Whether an API URL carries a secret: userinfo (`user:pass@host`) or a token query parameter.
 * Node's fetch refuses userinfo with an error quoting the URL, and a token in a URL ends up in
 * every span and audit row: such a URL is refused at config time, before anything prints it.
 */
export function urlCarriesCredentials(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return true;
  return [...url.searchParams.keys()].some((name) => TOKEN_PARAMS.test(name));
}

/** The issue message: names the rule, never the value. */
export const URL_CREDENTIALS_MESSAGE =
  'must not carry credentials (user:pass@ or a token query parameter): put the token in the environment variable named by token_env';
