package io.locus.auth;

/**
 * One consumer's token bucket as stored in the shared map: {@code tokens} left at {@code
 * atMillis}. Pure arithmetic; {@link RateLimiter} does the storing.
 *
 * @param tokens tokens in the bucket at {@code atMillis}
 * @param atMillis when it held that many (epoch milliseconds)
 */
record TokenBucket(double tokens, long atMillis) {

  /** A bucket nobody has drawn from: full. */
  static TokenBucket full(RateLimit limit, long nowMillis) {
    return new TokenBucket(limit.burst(), nowMillis);
  }

  /** This bucket at {@code nowMillis}: refilled at the limit's rate, never over its burst. */
  TokenBucket at(RateLimit limit, long nowMillis) {
    if (nowMillis <= atMillis) {
      return this;
    }
    double refilled = tokens + (nowMillis - atMillis) / 1000.0 * limit.requestsPerSecond();
    return new TokenBucket(Math.min(limit.burst(), refilled), nowMillis);
  }

  /** Whole tokens that can be taken now, at most {@code wanted}. */
  int available(int wanted) {
    return (int) Math.min(wanted, Math.floor(tokens));
  }

  /** This bucket with {@code count} tokens taken. */
  TokenBucket take(int count) {
    return new TokenBucket(tokens - count, atMillis);
  }

  /** Whole seconds (at least 1) until one token is there. */
  long secondsUntilOne(RateLimit limit) {
    double missing = Math.max(0, 1 - tokens);
    return Math.max(1, (long) Math.ceil(missing / limit.requestsPerSecond()));
  }

  String encode() {
    return tokens + "@" + atMillis;
  }

  static TokenBucket decode(String text) {
    int at = text.indexOf('@');
    return new TokenBucket(Double.parseDouble(text.substring(0, at)), Long.parseLong(text.substring(at + 1)));
  }
}
