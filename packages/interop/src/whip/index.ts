export * from './server.ts';
export * from './session.ts';
export { DEMO_PAGE } from './page.ts';
