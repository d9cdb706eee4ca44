/**
 * Every shape a credential is planted in by the redaction tests: each `text` carries `secret`,
 * which must never survive any redaction entry point. One list, so a new shape is tested everywhere.
 */
export interface SecretShape {
  name: string;
  /** Text as a caller would hand it over (an error message, a URL, a header value). */
  text: string;
  /** The part that must not appear in the output. */
  secret: string;
}

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOjEyMzQ1Njc4LCJ1aWQiOjF9.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

export const SECRET_SHAPES: readonly SecretShape[] = [
  { name: 'userinfo user:pass in a URL', text: 'fetch failed for http://alice:s3cr3t-pass@api.example.com/x', secret: 's3cr3t-pass' },
  { name: 'userinfo user name in a URL', text: 'GET https://leakyuser42:pw-9f8e7d@host:8443/repos', secret: 'leakyuser42' },
  { name: 'token-only userinfo', text: 'cannot reach https://tok-abcdef123456@github.example.com', secret: 'tok-abcdef123456' },
  { name: 'access_token query', text: 'GET https://api.example.com/user?access_token=qa-token-111&page=2', secret: 'qa-token-111' },
  { name: 'auth_token query (Grafana)', text: 'see http://grafana:3000/d/x?orgId=1&auth_token=graf-tok-222', secret: 'graf-tok-222' },
  { name: 'token query', text: 'https://h/p?token=plain-tok-333', secret: 'plain-tok-333' },
  { name: 'api_key query', text: 'https://h/p?a=1&api_key=key-444-xyz', secret: 'key-444-xyz' },
  { name: 'apikey query', text: 'https://h/p?apikey=key-555-xyz', secret: 'key-555-xyz' },
  { name: 'key query', text: 'https://maps.example/api?key=maps-666-xyz', secret: 'maps-666-xyz' },
  { name: 'sig query', text: 'https://blob.example/f?sv=2020&sig=sas-777-sig', secret: 'sas-777-sig' },
  { name: 'signature query', text: 'https://h/f?signature=sig-888-val', secret: 'sig-888-val' },
  { name: 'password query', text: 'https://h/login?user=a&password=pw-999-val', secret: 'pw-999-val' },
  { name: 'client_secret query', text: 'https://h/oauth?client_id=a&client_secret=cs-000-val', secret: 'cs-000-val' },
  { name: 'X-Amz-Signature query', text: 'https://s3.example/b/k?X-Amz-Signature=abcdef0123456789', secret: 'abcdef0123456789' },
  { name: 'Bearer header value', text: 'Authorization: Bearer bearer-tok-abc123', secret: 'bearer-tok-abc123' },
  { name: 'Basic header value', text: 'authorization: Basic YWxpY2U6c2VjcmV0', secret: 'YWxpY2U6c2VjcmV0' },
  { name: 'token header value', text: 'Authorization: token ghtok-legacy-456', secret: 'ghtok-legacy-456' },
  { name: 'JWT (Monday API token)', text: `monday said 401 for ${JWT}`, secret: JWT },
  { name: 'GitHub classic token', text: 'used ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', secret: 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' },
  { name: 'GitHub OAuth token', text: 'used gho_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', secret: 'gho_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' },
  { name: 'GitHub app token', text: 'ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 expired', secret: 'ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' },
  { name: 'GitHub fine-grained token', text: 'pat=github_pat_11ABCDEFG0123456789_abcdefghijklmnop', secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop' },
  { name: 'Slack token', text: 'slack xoxb-1234567890-abcdefghij', secret: 'xoxb-1234567890-abcdefghij' },
  { name: 'AWS access key id', text: 'aws id AKIAIOSFODNN7EXAMPLE in use', secret: 'AKIAIOSFODNN7EXAMPLE' },
];

/** Every secret of every shape, for scanning an output for any of them. */
export const PLANTED_SECRETS: readonly string[] = SECRET_SHAPES.map((s) => s.secret);
