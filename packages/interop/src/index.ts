/**
 * @rtcstack/interop: the harness that puts our stack in front of peers nobody here wrote.
 *   launchChromium()   Debian chromium via playwright-core, flags from DESIGN.md, page at http://localhost
 *   BrowserPeer        an RTCPeerConnection inside that page, driven from Node
 *   netns helpers      run Chromium (and its peer) in a network namespace holding only `lo`
 */
export * from './netns.ts';
export * from './chromium.ts';
export * from './page-helper.ts';
export * from './minimal-peer.ts';
export * from './browser-link.ts';
export * from './whip/index.ts';
