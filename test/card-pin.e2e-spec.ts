import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import request from 'supertest';
import { verifyPassword } from '../src/auth/password-hasher';
import { CardPin } from '../src/cards/pin/card-pins';
import { bearer, registerUser, seedSession, type Session } from './support/session';
import { closeTestApp, createTestApp } from './support/test-app';

const PASSWORD = 'correct horse battery';

describe("a card's PIN", () => {
  let app: NestExpressApplication;
  let s: Session;
  const setPin = (token: string, body: Record<string, unknown>, cardUuid = s.cardUuid) => request(app.getHttpServer()).put(`/api/cards/${cardUuid}/pin`).set(bearer(token)).send(body);

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  it('is set by the holder with their password, stored only as a salted scrypt hash, and never returned', async () => {
    const answer = await setPin(s.user.token, { pin: '4821', password: PASSWORD }).expect(200);
    expect(answer.body).toEqual({ success: true, pinSet: true });
    const pins = app.get<Model<CardPin>>(getModelToken(CardPin.name));
    const stored = (await pins.findById(s.cardUuid).lean().exec())!;
    expect(stored.hash).toMatch(/^scrypt\$/);
    expect(stored.hash).not.toContain('4821');
    expect(await verifyPassword('4821', stored.hash)).toBe(true);

    await setPin(s.user.token, { pin: '135790', password: PASSWORD }).expect(200);
    const changed = (await pins.findById(s.cardUuid).lean().exec())!;
    expect(await verifyPassword('135790', changed.hash)).toBe(true);
    expect(changed.hash.split('$')[4]).not.toBe(stored.hash.split('$')[4]);

    const card = await request(app.getHttpServer()).get(`/api/cards/${s.cardUuid}`).set(bearer(s.user.token)).expect(200);
    expect(JSON.stringify(card.body)).not.toContain(changed.hash.split('$')[5]);
  });

  it('refuses a wrong password, a malformed PIN, another holder and an admin', async () => {
    await setPin(s.user.token, { pin: '4821', password: 'wrong password' }).expect(401);
    for (const pin of ['123', '1234567', '12a4', 4821]) await setPin(s.user.token, { pin, password: PASSWORD }).expect(400);
    const other = await registerUser(app, 'other');
    await setPin(other.token, { pin: '4821', password: PASSWORD }).expect(404);
    await setPin(s.adminToken, { pin: '4821', password: PASSWORD }).expect(403);
  });
});
