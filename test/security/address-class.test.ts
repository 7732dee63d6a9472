import { describe, expect, test } from 'vitest';
import {
  type AddressReach,
  addressRefusal,
  classifyAddress,
} from '../../src/notifications/channels/address-class.ts';
import { validateWebhookUrl } from '../../src/notifications/channels/webhook-sender.ts';

/**
 * The webhook address guard's classes. Hosts are written the way an attacker would, and judged
 * after the URL parser has normalised them (as the sender and the connection see them).
 */

const hostOf = (url: string) => new URL(url).hostname;

describe('classifyAddress', () => {
  test.each<[string, AddressReach, string]>([
    // Public: always dialled.
    ['8.8.8.8', 'public', 'unicast'],
    ['172.32.0.1', 'public', 'unicast'],
    ['100.128.0.1', 'public', 'unicast'],
    ['2001:4860:4860::8888', 'public', 'unicast'],
    ['::ffff:8.8.8.8', 'public', 'unicast'],
    // Private and other non-public ranges: only with JIFEN_WEBHOOK_ALLOW_PRIVATE=true.
    ['127.0.0.1', 'private', 'loopback'],
    ['127.255.255.254', 'private', 'loopback'],
    ['::1', 'private', 'loopback'],
    ['10.1.2.3', 'private', 'private'],
    ['172.16.0.1', 'private', 'private'],
    ['172.31.255.255', 'private', 'private'],
    ['192.168.1.10', 'private', 'private'],
    ['fc00::1', 'private', 'uniqueLocal'],
    ['fd12:3456::1', 'private', 'uniqueLocal'],
    ['100.64.0.1', 'private', 'carrierGradeNat'],
    ['100.127.255.255', 'private', 'carrierGradeNat'],
    ['0.0.0.0', 'private', 'unspecified'],
    ['::', 'private', 'unspecified'],
    ['224.0.0.1', 'private', 'multicast'],
    ['ff02::1', 'private', 'multicast'],
    ['255.255.255.255', 'private', 'broadcast'],
    ['240.0.0.1', 'private', 'reserved'],
    ['192.0.2.10', 'private', 'reserved'],
    ['2001:db8::1', 'private', 'reserved'],
    ['::ffff:127.0.0.1', 'private', 'loopback'],
    ['::ffff:7f00:1', 'private', 'loopback'],
    ['::ffff:10.0.0.1', 'private', 'private'],
    // Link-local and cloud metadata: never, in any spelling.
    ['169.254.169.254', 'forbidden', 'linkLocal'],
    ['169.254.0.23', 'forbidden', 'linkLocal'],
    ['fe80::1', 'forbidden', 'linkLocal'],
    ['febf::1', 'forbidden', 'linkLocal'],
    ['::ffff:169.254.169.254', 'forbidden', 'linkLocal'],
    ['::ffff:a9fe:a9fe', 'forbidden', 'linkLocal'],
    ['[::ffff:a9fe:a9fe]', 'forbidden', 'linkLocal'],
    ['::ffff:0:a9fe:a9fe', 'forbidden', 'linkLocal'],
    ['::169.254.169.254', 'forbidden', 'linkLocal'],
    ['64:ff9b::a9fe:a9fe', 'forbidden', 'linkLocal'],
    ['100.100.100.200', 'forbidden', 'cloudMetadata'],
    ['::ffff:100.100.100.200', 'forbidden', 'cloudMetadata'],
    ['192.0.0.192', 'forbidden', 'cloudMetadata'],
    ['fd00:ec2::254', 'forbidden', 'cloudMetadata'],
  ])('%s is %s (%s)', (address, reach, range) => {
    expect(classifyAddress(address)).toMatchObject({ reach, range });
  });

  test('an IPv4 carried in IPv6 is reported as the IPv4 that would be dialled', () => {
    expect(classifyAddress('::ffff:a9fe:a9fe').effective).toBe('169.254.169.254');
    expect(addressRefusal('::ffff:a9fe:a9fe', true)).toEqual({
      address: '::ffff:a9fe:a9fe (169.254.169.254)',
      reason: expect.stringContaining('never allowed'),
    });
  });
});

describe('validateWebhookUrl: literal hosts, every spelling', () => {
  test.each([
    // What the URL parser makes of the spellings attackers use.
    ['http://[::ffff:169.254.169.254]/latest', '::ffff:a9fe:a9fe'],
    ['http://0251.0376.0251.0376/', '169.254.169.254'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://2852039166/', '169.254.169.254'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
  ])('%s is dialled as %s', (url, host) => {
    expect(hostOf(url).replace(/^\[|\]$/g, '')).toBe(host);
  });

  test.each([
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'],
    ['http://0251.0376.0251.0376/', 'link-local'],
    ['http://2852039166/', 'link-local'],
    ['http://[fe80::1]/hooks', 'link-local'],
    ['http://[64:ff9b::169.254.169.254]/', 'link-local'],
    ['http://100.100.100.200/latest/meta-data', 'cloud metadata'],
    ['http://[fd00:ec2::254]/latest', 'cloud metadata'],
  ])('%s is refused even where private networks are allowed', (url, problem) => {
    expect(validateWebhookUrl(url, true)).toContain(problem);
    expect(validateWebhookUrl(url, false)).toContain(problem);
  });

  test.each([
    'http://127.0.0.1:8080/hooks',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[::]/',
    'http://0.0.0.0/',
    'http://10.1.2.3/erp',
    'http://192.168.0.7/erp',
    'http://100.64.1.1/',
    'http://[fd12::7]/',
    'http://[::ffff:127.0.0.1]/',
  ])('%s is refused by default and allowed with JIFEN_WEBHOOK_ALLOW_PRIVATE', (url) => {
    expect(validateWebhookUrl(url, false)).toMatch(/not a public address .*JIFEN_WEBHOOK_ALLOW_PRIVATE=true/);
    expect(validateWebhookUrl(url, true)).toBeNull();
  });

  test.each([
    'https://hooks.example.com/jifen',
    'https://8.8.8.8/hooks',
    'https://[2001:4860:4860::8888]/hooks',
    // Names are judged by what they resolve to, when connecting.
    'http://localhost:8080/hooks',
    'http://metadata.google.internal/',
  ])('%s passes the literal check', (url) => {
    expect(validateWebhookUrl(url, false)).toBeNull();
  });
});
