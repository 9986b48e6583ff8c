import { endpointUrlProblem } from '../../server/outbound/url-policy';

describe('endpoint URL policy', () => {
  it.each([
    ['https://hooks.acme.test/x', 'production', undefined],
    ['http://hooks.acme.test/x', 'production', 'Use an https:// URL: deliveries carry your program’s data.'],
    ['http://127.0.0.1:8080/x', 'test', undefined],
    ['http://localhost:3000/x', 'development', undefined],
    ['https://localhost/x', 'production', 'The URL must point to a public address.'],
    ['https://127.0.0.1/x', 'production', 'The URL must point to a public address.'],
    ['https://169.254.169.254/latest', 'production', 'The URL must point to a public address.'],
    ['https://10.1.2.3/x', 'production', 'The URL must point to a public address.'],
    ['https://[::1]/x', 'production', 'The URL must point to a public address.'],
    ['https://[fd00::1]/x', 'production', 'The URL must point to a public address.'],
    ['https://93.184.216.34/x', 'production', undefined],
    ['https://[::ffff:127.0.0.1]/x', 'production', 'The URL must point to a public address.'],
    ['https://[2606:2800:220:1::]/x', 'production', undefined],
    ['https://:pw@hooks.acme.test/x', 'test', 'Remove the user name and password from the URL; deliveries are authenticated by their signature.'],
    ['data:text/plain,hi', 'test', 'The URL must start with https://.'],
    ['not a url', 'test', 'Enter a full URL, like https://example.com/webhooks/refcut.'],
  ] as const)('%s in %s → %s', (url, env, problem) => {
    expect(endpointUrlProblem(url, env)).toBe(problem);
  });
});
