package io.locus.common;

/** 429: the consumer is over its request rate; it may try again after {@link #retryAfterSeconds}. */
public final class RateLimited extends Failure {
  private static final long serialVersionUID = 1L;

  private final long retryAfterSeconds;

  public RateLimited(long retryAfterSeconds) {
    super(429, "rate limit exceeded, retry after " + retryAfterSeconds + " s");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Whole seconds until a request would be admitted again (at least 1). */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
