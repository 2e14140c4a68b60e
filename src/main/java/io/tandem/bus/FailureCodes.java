package io.tandem.bus;

/**
 * The codes consumers pass to {@code message.fail(code, message)}. They are HTTP status codes on
 * purpose: the HTTP front passes them through unchanged.
 */
public final class FailureCodes {

  /** The request body is malformed; the message names the field. */
  public static final int BAD_REQUEST = 400;
  /** The thing the request names (a connection, say) does not exist. */
  public static final int NOT_FOUND = 404;
  /** The request names something another holds (a chat client's nickname, say). */
  public static final int CONFLICT = 409;
  /** The request is larger than the service accepts. */
  public static final int TOO_LARGE = 413;
  /** The service could not do the work (an unexpected error, logged on its side). */
  public static final int INTERNAL = 500;
  /** Another node the work needed did not answer in time (a clustered bus only). */
  public static final int UNAVAILABLE = 503;

  private FailureCodes() {
  }
}
