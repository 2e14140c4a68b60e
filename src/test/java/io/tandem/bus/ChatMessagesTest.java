package io.tandem.bus;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatMessagesTest {

  @Test
  void nicknamesAndRoomsAreAsciiWordsAndNicknamesAreOneWithoutRegardToCase() {
    assertTrue(ChatMessages.isNickname("Ada_Lovelace-1815"));
    assertFalse(ChatMessages.isNickname("x".repeat(33)));
    assertFalse(ChatMessages.isNickname("аda")); // a Cyrillic a: no look-alikes
    assertFalse(ChatMessages.isNickname(""));
    assertEquals(ChatMessages.nickKey("ADA"), ChatMessages.nickKey("ada"));
    assertTrue(ChatMessages.isRoom("#general"));
    assertFalse(ChatMessages.isRoom("#General"));
    assertFalse(ChatMessages.isRoom("general"));
    assertEquals(Addresses.CHAT_ROOM + "general", ChatMessages.roomAddress("#general"));
  }

  @Test
  void textIsOneLineOfPrintableCharactersWithinTheLimit() {
    assertNull(ChatMessages.textProblem("héllo\tthere", 100));
    assertEquals("empty", ChatMessages.textProblem("", 100));
    assertEquals("over 4 bytes", ChatMessages.textProblem("ééé", 4));
    assertNull(ChatMessages.textProblem("éé", 4));
    assertEquals("control character U+000A", ChatMessages.textProblem("one\nERR forged", 100));
    assertEquals("control character U+001B", ChatMessages.textProblem("\u001b[2J", 100));
    assertEquals("control character U+009B", ChatMessages.textProblem("\u009b2J", 100));
    assertEquals("control character U+2028", ChatMessages.textProblem("a\u2028b", 100));
  }

  @Test
  void aSendWithATokenSpeaksAsItsPrincipalWhateverItClaims() {
    JsonObject body = new JsonObject().put("room", "#general").put("text", "hi");
    assertEquals("ops", ChatMessages.readSend(body, 100, "ops").from());
    assertEquals("ops", ChatMessages.readSend(body.copy().put("from", "ops"), 100, "ops").from());
    BusException claimed = assertThrows(BusException.class, () -> ChatMessages.readSend(body.copy().put("from", "ada"), 100, "ops"));
    assertEquals("from must be ops, the name your token belongs to, got \"ada\"", claimed.getMessage());
    BusException anonymous = assertThrows(BusException.class, () -> ChatMessages.readSend(body, 100, null));
    assertEquals("from is required", anonymous.getMessage());
    BusException notANick = assertThrows(BusException.class, () -> ChatMessages.readSend(body, 100, "ops@example.org"));
    assertEquals(400, notANick.code());
  }
}
