/**
 * The web apps' response headers, one definition for both places that serve them: CloudFront's response headers
 * policy (lib/constructs/webApps.ts) and the local API server (lib/local/webApps.ts). Pure: no CDK.
 *
 * The CSP allows no inline script and no eval: Vite emits only `<script type="module" src>` (its module-preload
 * polyfill, an inline script, is turned off in lib/webBuild.ts). Styles are files too; the apps set styles through
 * the CSSOM only (Preact's `style`, uPlot), which style-src does not govern.
 */

/** Where the apps may connect besides their own origin: Cognito, the Event API (https and wss), the media uploads. */
export interface CspSources {
  connect: string[];
  img?: string[];
}

export function contentSecurityPolicy(sources: CspSources): string {
  const list = (xs: string[] = []) => [...new Set(xs.filter(Boolean))].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob: ${list(sources.img)}`.trim(),
    `connect-src 'self' ${list(sources.connect)}`.trim(),
    "font-src 'self' data:",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600;
export const STRICT_TRANSPORT_SECURITY = `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`;
export const REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** Hashed file names never change content: cached for a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** The pages, config.json, the service worker and the manifest are revalidated on every load, so a deploy shows at once. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** The security headers of every web app response (the CSP comes with them). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'strict-transport-security': STRICT_TRANSPORT_SECURITY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': REFERRER_POLICY,
  };
}

/** The origin of an endpoint URL, for a CSP source list (`wss://host:port`). */
export const originOf = (url: string | undefined): string => {
  if (!url) return '';
  try {
    return new URL(url).origin.replace(/^null$/, '');
  } catch {
    return '';
  }
};
