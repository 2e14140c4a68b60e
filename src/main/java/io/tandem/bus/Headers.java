package io.tandem.bus;

/** Message headers of the contract. */
public final class Headers {

  /**
   * The name of the principal ({@code auth.tokensFile}) whose client put the message on the bus,
   * over HTTP or a bridge; absent for a client that showed no token. Set by Tandem only: a client
   * that sends a message with this header is refused, so a service may trust it.
   */
  public static final String PRINCIPAL = "tandem.principal";

  private Headers() {
  }
}
