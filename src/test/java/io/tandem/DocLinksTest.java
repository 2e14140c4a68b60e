package io.tandem;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README is a contract sheet that sends its reader to docs/ for the rest: every link between
 * them (a file, and a heading in it) must lead somewhere, or the reader is left at a dead end the
 * day a section moves.
 */
class DocLinksTest {

  /** A Markdown link's target that is neither a web address nor a mail address. */
  private static final Pattern LINK = Pattern.compile("\\]\\((?!https?:|mailto:)([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

  @Test
  void everyLinkOfTheReadmeAndDocsLeadsToAFileAndHeadingThatExist() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("BENCHMARKS.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path page : pages) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        links++;
        String target = link.group(1);
        int hash = target.indexOf('#');
        Path file = hash == 0 ? page : page.resolveSibling(hash < 0 ? target : target.substring(0, hash)).normalize();
        if (!Files.exists(file)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
          broken.add(page + ": " + target + " (no such heading in " + file + ")");
        }
      }
    }
    assertTrue(links > 20, "the pages' links were not found (" + links + "): the pattern is wrong");
    assertEquals(List.of(), broken);
  }

  @Test
  void anchorsAreGitHubs() {
    assertEquals("start-up-shutdown-and-exit-status", anchor("Start-up, shutdown and exit status"));
    assertEquals("browsers-the-sockjs-bridge", anchor("Browsers: the SockJS bridge"));
    assertEquals("safety-server-side-request-forgery", anchor("Safety: server-side request forgery"));
    assertEquals("the-tandemfetch-request", anchor("The `tandem.fetch` request"));
  }

  private static Set<String> anchors(Path file) throws IOException {
    Set<String> anchors = new HashSet<>();
    if (!file.toString().endsWith(".md")) {
      return anchors;
    }
    boolean code = false;
    for (String line : Files.readAllLines(file)) {
      code ^= line.startsWith("```");
      Matcher heading = HEADING.matcher(line);
      if (!code && heading.matches()) {
        anchors.add(anchor(heading.group(1)));
      }
    }
    return anchors;
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  static String anchor(String heading) {
    return heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
