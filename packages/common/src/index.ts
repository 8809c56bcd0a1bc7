export * from './errors.ts';
export * from './bytes.ts';
export * from './hex.ts';
export * from './ct.ts';
export * from './random.ts';
export * from './address.ts';
