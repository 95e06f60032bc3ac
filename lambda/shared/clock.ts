/** The server's clock. One seam, so tests can pin time without touching the handlers. */
export const now = (): number => Date.now();
