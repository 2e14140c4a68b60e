package io.tandem.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Applied to every test (auto-detected): fails a test during which Vert.x reported an event loop
 * blocked for longer than src/test/resources/vertx-options.json allows (200 ms).
 */
public final class FailOnBlockedEventLoop implements BeforeEachCallback, AfterEachCallback {

  @Override
  public void beforeEach(ExtensionContext context) {
    BlockedThreadRecorder.drain();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> warnings = BlockedThreadRecorder.drain();
    assertEquals(List.of(), warnings, "an event loop was blocked");
  }
}
