package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The connectors use core through its public packages only, checked on the compiled classes. */
class ModuleBoundaryTest {
  private static final JavaClasses CONNECTORS = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.mailbridge.kafka");

  /** Core internals the connectors may still use: none. */
  static final Set<String> KNOWN = Set.of();

  private static String key(Dependency d) {
    return d.getOriginClass().getName().replaceAll("\\$.*", "") + " -> " + d.getTargetClass().getName();
  }

  private static boolean coreInternal(Dependency d) {
    String p = d.getTargetClass().getPackageName();
    return p.startsWith("io.mailbridge.") && !p.startsWith("io.mailbridge.kafka") && p.contains(".internal");
  }

  @Test
  void connectorsImportNoCoreInternalsBeyondTheKnownOnes() {
    List<String> found = CONNECTORS.stream().flatMap(c -> c.getDirectDependenciesFromSelf().stream())
        .filter(ModuleBoundaryTest::coreInternal).map(ModuleBoundaryTest::key).distinct().sorted().toList();
    assertThat(found).as("core internals imported by the connectors").isSubsetOf(KNOWN);
    assertThat(KNOWN).as("KNOWN entries that no longer occur: remove them").isSubsetOf(found);
  }
}
