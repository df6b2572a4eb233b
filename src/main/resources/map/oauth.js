// Two-legged OAuth 1.0 (HMAC-SHA1, RFC 5849) in the browser, with WebCrypto: the same signature
// SimpleGeo's clients make. The key and secret are arguments only; nothing here stores them.
'use strict';

const OAuth = (() => {
  // RFC 3986 percent-encoding (§3.6): everything but unreserved characters.
  const encode = (text) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

  const nonce = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

  async function hmacSha1(key, text) {
    const bytes = new TextEncoder();
    const cryptoKey = await crypto.subtle.importKey('raw', bytes.encode(key), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, bytes.encode(text)));
    return btoa(String.fromCharCode(...signature));
  }

  // The protocol parameters, signature included, for METHOD url (a URL object whose query is part of the signature).
  async function parameters(method, url, key, secret) {
    const protocol = {
      oauth_consumer_key: key,
      oauth_nonce: nonce(),
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
      oauth_version: '1.0',
    };
    const pairs = [...url.searchParams.entries(), ...Object.entries(protocol)]
      .map(([name, value]) => [encode(name), encode(value)])
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
    const base = [method.toUpperCase(), encode(url.origin + url.pathname), encode(pairs.map((p) => p[0] + '=' + p[1]).join('&'))].join('&');
    protocol.oauth_signature = await hmacSha1(encode(secret) + '&', base);
    return protocol;
  }

  return {
    // The Authorization header for METHOD url.
    async header(method, url, key, secret) {
      const protocol = await parameters(method, url, key, secret);
      return 'OAuth ' + Object.entries(protocol).map(([name, value]) => `${name}="${encode(value)}"`).join(', ');
    },
    // url with the protocol parameters in its query, for what cannot send headers (EventSource).
    async signedUrl(method, url, key, secret) {
      const protocol = await parameters(method, url, key, secret);
      const signed = new URL(url);
      Object.entries(protocol).forEach(([name, value]) => signed.searchParams.append(name, value));
      return signed;
    },
  };
})();
