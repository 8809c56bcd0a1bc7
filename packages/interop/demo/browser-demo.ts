// `npm run demo:browser` (root script: tsx packages/interop/demo/browser-demo.ts). The program
// lives in src/cli/browser-demo.ts so the root typecheck covers it.
import '../src/cli/browser-demo.ts';
