import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`health on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store);
    });

    afterAll(async () => {
      await server.close();
      await store.cleanup();
    });

    it('GET /healthz answers 200 {"status":"ok"}', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('GET /readyz answers 200 with the database check when the store answers', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
    });
  });
}
