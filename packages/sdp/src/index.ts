export * from './model.ts';
export * from './candidate.ts';
export * from './attributes.ts';
export { parse, splitLines } from './parse.ts';
export { serialize, makeLine, attributeLine, rawAttributeLine, textLine, formatLineValue } from './serialize.ts';
export * from './view.ts';
export * from './builder.ts';
export { annotate, explainLine, ATTRIBUTE_MEANINGS, LINE_MEANINGS } from './annotate.ts';
