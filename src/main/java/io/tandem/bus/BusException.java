package io.tandem.bus;

import io.vertx.core.eventbus.Message;

/**
 * A request that cannot be served, with the failure code the consumer answers with. Message
 * readers throw it; consumers turn it into {@code message.fail(code, message)} in one place.
 */
public final class BusException extends RuntimeException {

  private final int code;

  public BusException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public static BusException badRequest(String message) {
    return new BusException(FailureCodes.BAD_REQUEST, message);
  }

  public int code() {
    return code;
  }

  /** Fails {@code message} with this failure's code and text. */
  public void failReply(Message<?> message) {
    message.fail(code, getMessage());
  }
}
