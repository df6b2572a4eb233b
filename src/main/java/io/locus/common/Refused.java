package io.locus.common;

/**
 * A request Locus understood and will not serve, for a reason the client can act on: 401 (who
 * are you?), 403 (not yours to change), 409 (the name is taken), 429 (slow down). Its status
 * and message travel over the event bus and become the HTTP answer.
 */
public class Refused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public Refused(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** 401: missing or failed credentials. */
  public static Refused unauthorized(String message) {
    return new Refused(401, message);
  }

  /** 403: the caller may see this but not change it. */
  public static Refused forbidden(String message) {
    return new Refused(403, message);
  }

  /** 409: the name is already taken. */
  public static Refused conflict(String message) {
    return new Refused(409, message);
  }
}
