package io.cess.chaos.scenario;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;

public class ScenarioCatalogTest {

  @Test
  public void theCatalogThatCessChaosListPrintsIsTheScenariosOfTheSuite() throws IOException {
    Map<String, String> file = new LinkedHashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/chaos-scenarios.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] parts = line.split("\t", 2);
          file.put(parts[0], parts[1]);
        }
      }
    }
    assertEquals("chaos-tests/src/test/resources/chaos-scenarios.tsv must list Scenarios.ALL", Scenarios.catalog(), file);
  }

  @Test
  public void scenarioNamesAreCommandLineWords() {
    Scenarios.ALL.forEach(s -> assertTrue(s.name(), s.name().matches("[a-z0-9]+(-[a-z0-9]+)*")));
    assertEquals(Scenarios.ALL.size(), Scenarios.names().stream().distinct().count());
  }
}
