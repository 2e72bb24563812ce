package io.mailbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.Health;
import io.mailbridge.listen.JsonFileStateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The watcher's health file next to its state file, and {@code watch --status}. */
final class WatchStatus {
  private WatchStatus() {}

  static Path healthFile(Path state) {
    return state.resolveSibling(state.getFileName() + ".health.json");
  }

  static void writeHealth(Path state, Health h) {
    Path f = healthFile(state).toAbsolutePath();
    try {
      Path tmp = Files.createTempFile(f.getParent(), "." + f.getFileName(), ".tmp");
      Files.write(tmp, Json.mapper().writeValueAsBytes(h));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // health is advisory: never stop watching because it cannot be written
    }
  }

  static int print(PrintWriter stdout, Path state, Path mailboxes) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("stateFile", state.toAbsolutePath().toString());
    List<FolderState> states = new ArrayList<>();
    if (mailboxes != null) {
      for (Path f : Mailboxes.states(mailboxes, state).values()) {
        states.addAll(JsonFileStateStore.open(f).all());
      }
    } else {
      states.addAll(JsonFileStateStore.open(state).all());
    }
    out.put("folders", states);
    try {
      JsonNode health = Json.mapper().readTree(Files.readAllBytes(healthFile(state)));
      out.put("health", health);
      Instant at = Instant.parse(health.path("at").asText(Instant.EPOCH.toString()));
      boolean running = health.path("running").asBoolean(false);
      boolean fresh = Duration.between(at, Instant.now()).compareTo(WatchCommand.HEALTH_EVERY.multipliedBy(5)) < 0;
      out.put("running", running && fresh);
      out.put("healthAgeSeconds", Math.max(0, Duration.between(at, Instant.now()).toSeconds()));
    } catch (NoSuchFileException e) {
      out.put("running", false);
    }
    Json.line(stdout, out);
    return ExitCodes.OK;
  }
}
