// Hostile or odd outbound messages: refused whole with a Client fault (nothing a sender can send
// is a Server fault), or one notification refused alone while the rest are events.
import { afterEach, describe, expect, it } from 'vitest';
import { createSalesforceConnector, soapFault } from '../../../../connectors/salesforce/index.js';
import { outboundMessage, sfId } from '../../../support/salesforce-outbound.js';
import { aSalesforceConfig, OUTBOUND_TOKEN } from './helpers.js';

const now = new Date('2025-07-15T21:13:00.000Z');
const connector = (over = {}) => createSalesforceConnector(aSalesforceConfig(over), { now: () => now });
const req = (rawBody: string) => ({
  method: 'POST',
  url: 'https://router.example/webhooks/salesforce/t',
  rawBody,
  headers: {},
  params: { token: OUTBOUND_TOKEN },
});
const note = (i: number, fields: Record<string, string | null> = {}) => ({
  id: sfId('04l', i),
  fields: { Id: sfId('00Q', i), Email: `l${i}@acme.example`, ...fields },
});
const withField = (xml: string, element: string) => xml.replace('</sObject>', `${element}</sObject>`);

/** What the route answers for an error thrown while verifying or parsing this body. */
function faultFor(rawBody: string) {
  const sf = connector();
  try {
    sf.verifyRequest(req(rawBody), now);
    sf.parseBatch!(req(rawBody));
  } catch (err) {
    return soapFault(err);
  }
  return undefined;
}

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort(),
  );
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('hostile SOAP gets a Client fault (HTTP 400), never a Server fault', () => {
  const hostile = [
    {
      name: 'a __proto__ element',
      xml: () => withField(outboundMessage([note(1)]), '<sf:__proto__><polluted>yes</polluted></sf:__proto__>'),
      says: '__proto__',
    },
    {
      name: 'a constructor/prototype element',
      xml: () =>
        withField(
          outboundMessage([note(1)]),
          '<constructor><prototype><polluted>1</polluted></prototype></constructor>',
        ),
      says: 'constructor',
    },
    {
      name: 'a DOCTYPE with an external entity (XXE)',
      xml: () =>
        outboundMessage([note(1)]).replace(
          '<soapenv:Envelope',
          '<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<soapenv:Envelope',
        ),
      says: 'DOCTYPE',
    },
    {
      name: 'a billion-laughs entity bomb',
      xml: () =>
        outboundMessage([note(1)]).replace(
          '<soapenv:Envelope',
          '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<soapenv:Envelope',
        ),
      says: 'DOCTYPE',
    },
    {
      name: 'nesting 50,000 deep',
      xml: () => withField(outboundMessage([note(1)]), `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`),
      says: 'nested deeper than 20',
    },
    {
      name: '5,000 attributes on one element',
      xml: () =>
        withField(
          outboundMessage([note(1)]),
          `<sf:City ${Array.from({ length: 5000 }, (_, i) => `a${i}="1"`).join(' ')}>x</sf:City>`,
        ),
      says: '5000 attributes',
    },
    { name: 'a body that is not XML', xml: () => '\u0000\u0001 not xml', says: 'body' },
    {
      name: 'no notifications element',
      xml: () =>
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>',
      says: 'notifications',
    },
  ];

  it.each(hostile)('$name', ({ xml, says }) => {
    const fault = faultFor(xml());
    expect(fault?.status).toBe(400);
    expect(fault?.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(fault?.body).toContain('VALIDATION_FAILED');
    expect(fault?.body).toContain(says);
  });
});

describe('one bad notification is refused alone; the rest of the message are events', () => {
  it('refuses a notification with a NUL in a field, naming its path', () => {
    const xml = outboundMessage([note(1), note(2, { Company: 'Acme\u0000Corp' }), note(3)]);
    expect(faultFor(xml)).toBeUndefined();
    const { events, refused } = connector().parseBatch!(req(xml));
    expect(events.map((e) => e.sourceEventId)).toEqual([sfId('04l', 1), sfId('04l', 3)]);
    expect(refused).toEqual([
      {
        sourceEventId: sfId('04l', 2),
        kind: 'unknown',
        record: { crm: 'salesforce', objectType: 'Lead', id: sfId('00Q', 2) },
        errors: [
          {
            path: 'body.Envelope.Body.notifications.Notification[1].sObject.Company',
            message: 'contains a NUL character (\\u0000), which cannot be stored',
          },
        ],
        original: expect.objectContaining({ Id: sfId('04l', 2) }),
      },
    ]);
  });

  it('refuses a notification of the wrong shape (no sObject Id, a repeated field) alone', () => {
    const xml = outboundMessage([note(1), note(2)])
      .replace(`<sf:Id>${sfId('00Q', 2)}</sf:Id>`, '')
      .replace(
        `<sf:Email>l1@acme.example</sf:Email>`,
        '<sf:Email>a@x.example</sf:Email><sf:Email>b@x.example</sf:Email>',
      );
    const { events, refused } = connector().parseBatch!(req(xml));
    expect(events).toEqual([]);
    expect(refused.map((r) => [r.sourceEventId, r.errors.map((e) => e.path)])).toEqual([
      [sfId('04l', 1), ['body.Envelope.Body.notifications.Notification[0].sObject.Email']],
      [sfId('04l', 2), ['body.Envelope.Body.notifications.Notification[1].sObject.Id']],
    ]);
  });

  it('refuses an owner-change notification without OwnerId alone', () => {
    const { events, refused } = connector({ ownerChangeOutboundObjects: ['Lead'] }).parseBatch!(
      req(outboundMessage([note(1, { OwnerId: '0055g00000AnaAAAA1' }), note(2)])),
    );
    expect(events.map((e) => e.kind)).toEqual(['ownerChanged']);
    expect(refused).toMatchObject([
      {
        sourceEventId: sfId('04l', 2),
        kind: 'ownerChanged',
        errors: [{ path: 'body.Envelope.Body.notifications.Notification[1].sObject.OwnerId' }],
      },
    ]);
  });

  it('parseEvents stays strict: one refused notification fails the message with its path', () => {
    expect(() => connector().parseEvents(req(outboundMessage([note(1), note(2, { City: 'x\u0000' })])))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
