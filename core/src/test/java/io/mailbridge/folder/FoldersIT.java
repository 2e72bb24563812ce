package io.mailbridge.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ProtocolException;
import io.mailbridge.move.Carol;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folder management on the real Dovecot as carol; folders prefixed {@code fo-}. */
@RealServer
class FoldersIT {

  @Test
  void unicodeFolderIsCreatedListedRenamedAndDeleted(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.remove("fo-Archiv/Überfällig 2026", "fo-Archiv/Erledigt ✓", "fo-Archiv");
    Folders folders = Folders.of(carol.connection());

    FolderInfo created = folders.create("fo-Archiv/Überfällig 2026");
    assertThat(created.name()).isEqualTo("fo-Archiv/Überfällig 2026");
    assertThat(created.delimiter()).isEqualTo('/');
    // doveadm sees the same Unicode name: it went over the wire in modified UTF-7 correctly.
    assertThat(stack.doveadm("mailbox", "list", "-u", carol.user().user(), "fo-*")).contains("fo-Archiv/Überfällig 2026");

    folders.rename("fo-Archiv/Überfällig 2026", "fo-Archiv/Erledigt ✓");
    List<String> names = folders.list(false).stream().map(FolderInfo::name).toList();
    assertThat(names).contains("fo-Archiv", "fo-Archiv/Erledigt ✓").doesNotContain("fo-Archiv/Überfällig 2026");

    folders.delete("fo-Archiv/Erledigt ✓");
    assertThat(folders.list(false)).noneMatch(f -> f.name().equals("fo-Archiv/Erledigt ✓"));
  }

  @Test
  void quotesBackslashesAndAmpersandsRoundTrip(MailStack stack) {
    Carol carol = new Carol(stack);
    List<String> odd = List.of("fo-say \"hi\"", "fo-R&D", "fo-a~b [x]");
    carol.remove(odd.toArray(String[]::new));
    Folders folders = Folders.of(carol.connection());
    for (String name : odd) {
      folders.create(name);
    }
    List<String> names = folders.list(false).stream().map(FolderInfo::name).toList();
    assertThat(names).containsAll(odd);
    for (String name : odd) {
      folders.delete(name);
    }
  }

  @Test
  void listShowsSpecialUseAndCounts(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("fo-counts");
    carol.seed("fo-counts", 3, "Msg");
    List<FolderInfo> all = Folders.of(carol.connection()).list(true);
    assertThat(all).anySatisfy(f -> {
      assertThat(f.name()).isEqualTo("Trash");
      assertThat(f.specialUse()).contains("\\Trash");
    });
    assertThat(all).anySatisfy(f -> {
      assertThat(f.name()).isEqualTo("fo-counts");
      assertThat(f.messages()).contains(3);
      assertThat(f.unseen()).contains(3);
    });
  }

  @Test
  void badNamesAndConflictsAreClearErrors(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("fo-exists");
    carol.remove("fo-absent");
    Folders folders = Folders.of(carol.connection());

    assertThatThrownBy(() -> folders.create("fo-exists")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("folder 'fo-exists' already exists");
    assertThatThrownBy(() -> folders.create("fo-star*")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("LIST wildcards");
    assertThatThrownBy(() -> folders.create("fo-pct%")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> folders.create("fo-x\r\nA1 LOGOUT")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> folders.delete("fo-absent")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("folder 'fo-absent' does not exist");
    assertThatThrownBy(() -> folders.rename("fo-absent", "fo-other")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> folders.rename("INBOX", "fo-other")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("use 'move' instead");
    assertThatThrownBy(() -> folders.delete("INBOX")).isInstanceOf(BadInputException.class);
    // Dovecot refuses a name with an empty hierarchy level: the server's reason comes through.
    assertThatThrownBy(() -> folders.create("fo-a//b")).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("CREATE fo-a//b refused by the server");
  }
}
