package io.tandem.config;

/**
 * A listener that could not bind, e.g. because its port is in use. The message names the
 * listener and its host:port, and is printed as the one line of a failed start.
 */
public final class ListenException extends RuntimeException {

  public ListenException(String listener, Listener settings, Throwable cause) {
    super(listener + " cannot listen on " + settings.host() + ":" + settings.port() + ": " + cause.getMessage(),
        cause, false, false);
  }
}
