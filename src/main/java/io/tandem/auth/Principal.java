package io.tandem.auth;

import java.util.List;
import java.util.Set;

/**
 * Someone a token stands for: a name (for logs and the {@code tandem.principal} header) and what
 * it may use — HTTP endpoints (as {@code io.tandem.config.AuthSettings#ENDPOINTS} names them, or
 * {@code *} for all), and on the bridges the addresses it may send to and subscribe to, within
 * {@code bridge.inbound} / {@code bridge.outbound}.
 */
public record Principal(String name, Set<String> http, List<String> inbound, List<String> outbound) {

  public static final String ALL = "*";

  public boolean mayUse(String endpoint) {
    return http.contains(endpoint) || http.contains(ALL);
  }
}
