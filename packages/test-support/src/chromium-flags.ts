/**
 * How every test in this repository launches Debian's Chromium (shared/DESIGN.md, "Real peers"):
 * the binary from the `chromium` package, never a downloaded browser, with flags that keep it
 * from contacting anything and make it offer 127.0.0.1 candidates. Plain data: the launchers
 * (playwright-core, a devDependency) live in the tests that use them.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** No background traffic, no updates, no sync: Chromium must only talk to our peers. */
export const CHROMIUM_BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** WebRTC on loopback with synthetic media (the page must also be granted mic/camera). */
export const CHROMIUM_WEBRTC_FLAGS = [
  ...CHROMIUM_BASE_FLAGS,
  // Without this Chromium drops 127.0.0.1 from its host candidates.
  '--allow-loopback-in-peer-connection',
  // getUserMedia without a prompt, from a synthetic microphone (a beep) and camera.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
] as const;
