import { describe, expect, test } from 'vitest';
import type { MemberChannel, NotificationType } from '../../../src/notifications/message-types.ts';
import {
  parseTemplate,
  renderTemplate,
  validateTemplate,
} from '../../../src/notifications/templates/render-template.ts';
import type { MessageTemplate } from '../../../src/notifications/templates/template-types.ts';

const template = (subject: string | null, body: string): MessageTemplate => ({
  subject,
  body,
  category: 'transactional',
});

describe('parseTemplate', () => {
  test('splits text and variables, allowing whitespace inside the braces', () => {
    const parsed = parseTemplate('您有 {{ points }} 积分将于 {{expiresOn}} 过期,{{\tpoints\t}}');
    expect(parsed.errors).toEqual([]);
    expect(parsed.variables).toEqual(['points', 'expiresOn']);
    expect(parsed.segments).toEqual([
      { kind: 'text', text: '您有 ' },
      { kind: 'variable', name: 'points' },
      { kind: 'text', text: ' 积分将于 ' },
      { kind: 'variable', name: 'expiresOn' },
      { kind: 'text', text: ' 过期,' },
      { kind: 'variable', name: 'points' },
    ]);
    expect(parsed.staticChars).toBe('您有  积分将于  过期,'.length);
  });

  test.each([
    ['unclosed braces', 'Hi {{points', ['"{{" at character 4 is never closed with "}}"']],
    ['a single closing brace', 'Hi {{points} left', ['"{{" at character 4 is never closed with "}}"']],
    ['empty braces', 'Hi {{ }}!', ['"{{ }}" at character 4 names no variable']],
    [
      'a name with a space',
      '{{ first name }}',
      ['"first name" at character 1 is not a variable name (letters, digits and _)'],
    ],
    [
      'triple braces',
      '{{{points}}}',
      ['"{points" at character 1 is not a variable name (letters, digits and _)'],
    ],
  ])('reports %s', (_name, text, errors) => {
    expect(parseTemplate(text).errors).toEqual(errors);
  });

  test('keeps malformed placeholders as literal text', () => {
    expect(renderTemplate(template(null, 'a {{ }} b {{points'), { points: '1' }).body).toBe(
      'a {{ }} b {{points',
    );
  });

  test('a stray closing pair is plain text', () => {
    const parsed = parseTemplate('50% off }} now');
    expect(parsed.errors).toEqual([]);
    expect(parsed.segments).toEqual([{ kind: 'text', text: '50% off }} now' }]);
  });

  test('returns the cached parse for the same text', () => {
    expect(parseTemplate('x {{points}} y')).toBe(parseTemplate('x {{points}} y'));
  });
});

describe('renderTemplate', () => {
  test('inserts values verbatim in subject and body', () => {
    const rendered = renderTemplate(template('{{points}} <b>', 'A & B: {{ reason }}{{reason}}'), {
      points: '1,200',
      reason: '<i>"x"</i>',
    });
    expect(rendered).toEqual({ subject: '1,200 <b>', body: 'A & B: <i>"x"</i><i>"x"</i>' });
  });

  test('a missing variable renders as the empty string', () => {
    expect(renderTemplate(template('T', '[{{carrier}}] {{ trackingNumber }}'), {}).body).toBe('[] ');
  });

  test('a variable named like an Object property does not render the prototype', () => {
    expect(renderTemplate(template(null, '{{constructor}}{{toString}}'), {}).body).toBe('');
  });

  test('a null subject stays null', () => {
    expect(renderTemplate(template(null, 'x'), {}).subject).toBeNull();
  });
});

describe('validateTemplate', () => {
  const scenarios: {
    name: string;
    type?: NotificationType;
    channel: MemberChannel;
    template: MessageTemplate;
    errors: { field: string; message: string | RegExp }[];
  }[] = [
    {
      name: 'a valid inbox template',
      channel: 'inbox',
      template: template('积分', '{{ points }} {{available}}'),
      errors: [],
    },
    { name: 'a valid SMS template', channel: 'sms', template: template(null, '{{points}}'), errors: [] },
    {
      name: 'an unknown variable',
      channel: 'inbox',
      template: template('T', '{{points}} {{expiresOn}}'),
      errors: [
        {
          field: 'body',
          message: /^unknown variable "expiresOn" for points\.earned; known: memberId, points/,
        },
      ],
    },
    {
      name: 'an unknown variable in the subject',
      type: 'tier.changed',
      channel: 'email',
      template: template('{{ points }}', '{{toTier}}'),
      errors: [{ field: 'subject', message: /^unknown variable "points" for tier\.changed/ }],
    },
    {
      name: 'unclosed braces',
      channel: 'email',
      template: template('T', 'You earned {{points'),
      errors: [{ field: 'body', message: '"{{" at character 12 is never closed with "}}"' }],
    },
    {
      name: 'a subject on SMS',
      channel: 'sms',
      template: template('积分到账', '{{points}}'),
      errors: [{ field: 'subject', message: 'SMS has no subject; set it to null' }],
    },
    {
      name: 'an inbox message without a subject',
      channel: 'inbox',
      template: template(null, '{{points}}'),
      errors: [{ field: 'subject', message: 'inbox messages need a subject' }],
    },
    {
      name: 'an email with a blank subject',
      channel: 'email',
      template: template('  ', '{{points}}'),
      errors: [{ field: 'subject', message: 'email messages need a subject' }],
    },
    {
      name: 'a subject over 200 characters',
      channel: 'email',
      template: template('积'.repeat(201), 'x'),
      errors: [{ field: 'subject', message: 'subject is 201 characters; at most 200' }],
    },
    {
      name: 'a subject on two lines',
      channel: 'email',
      template: template('a\nb', 'x'),
      errors: [{ field: 'subject', message: 'subject must be a single line' }],
    },
    {
      name: 'an empty body',
      channel: 'inbox',
      template: template('T', ' \n'),
      errors: [{ field: 'body', message: 'body is empty' }],
    },
    {
      name: 'a body over 10,000 characters',
      channel: 'email',
      template: template('T', 'x'.repeat(10_001)),
      errors: [{ field: 'body', message: 'body is 10001 characters; at most 10000' }],
    },
    {
      name: 'SMS static text over 500 characters',
      channel: 'sms',
      template: template(null, `${'积'.repeat(250)}{{points}}${'分'.repeat(251)}`),
      errors: [
        {
          field: 'body',
          message: 'SMS text outside variables is already 501 characters; at most 500 are sent',
        },
      ],
    },
  ];

  test.each(scenarios)('$name', ({ type = 'points.earned', channel, template, errors }) => {
    const found = validateTemplate(type, channel, template);
    expect(found).toHaveLength(errors.length);
    errors.forEach((expected, index) => {
      expect(found[index]!.field).toBe(expected.field);
      expect(found[index]!.message).toMatch(expected.message);
    });
  });

  test('SMS static text of exactly 500 characters, variables not counted, passes', () => {
    const body = `${'积'.repeat(250)}{{ points }}${'分'.repeat(250)}`;
    expect(validateTemplate('points.expiring', 'sms', template(null, body))).toEqual([]);
  });

  test('the same 501 characters are fine outside SMS', () => {
    expect(validateTemplate('points.earned', 'inbox', template('T', '积'.repeat(501)))).toEqual([]);
  });

  test('reports every problem at once', () => {
    const errors = validateTemplate('points.earned', 'sms', template('T', '{{nope}} {{'));
    expect(errors.map((error) => error.field)).toEqual(['subject', 'body', 'body']);
  });
});
