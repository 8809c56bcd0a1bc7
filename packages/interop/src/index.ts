/**
 * @rtcstack/interop: what runs without a browser driver. Only Node built-ins and @rtcstack/*.
 *   startWhipServer()   the demo's HTTP server: the page and a WHIP-style (RFC 9725) endpoint
 *   WhipSession         one call: our RTCPeerConnection answering a POSTed offer
 *   netns helpers       run a program in a network namespace holding only `lo` (cli/isolated.ts)
 *
 * The Chromium harness (launcher, page helper, BrowserLink, MinimalAnsweringPeer) needs
 * playwright-core, a devDependency, so it lives in test/support/, not here.
 */
export * from './netns.ts';
export * from './whip/index.ts';
