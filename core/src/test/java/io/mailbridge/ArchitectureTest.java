package io.mailbridge;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The layers of {@code core} (docs/ARCHITECTURE.md), checked on the compiled classes: a lower layer
 * never imports a higher one, no two feature packages import each other, and no package reaches
 * into another feature's {@code internal} package. {@link #KNOWN} lists the dependencies that still
 * break a rule, each to be removed; the last test fails when one of them is gone, so the list only
 * shrinks.
 */
class ArchitectureTest {
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.mailbridge");

  /** Dependencies that break a rule today: "origin class -> target class". */
  static final Set<String> KNOWN = Set.of();

  private static DescribedPredicate<JavaClass> origin(String known) {
    String name = known.substring(0, known.indexOf(" -> "));
    return DescribedPredicate.describe(name, c -> c.getName().replaceAll("\\$.*", "").equals(name));
  }

  private static DescribedPredicate<JavaClass> target(String known) {
    String name = known.substring(known.indexOf(" -> ") + 4);
    return DescribedPredicate.describe(name, c -> c.getName().equals(name));
  }

  private static String key(Dependency d) {
    return d.getOriginClass().getName().replaceAll("\\$.*", "") + " -> " + d.getTargetClass().getName();
  }

  @Test
  void lowerLayersNeverImportHigherOnes() {
    var layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Base").definedBy("io.mailbridge", "io.mailbridge.base..")
        .layer("Connection").definedBy("io.mailbridge.connection..", "io.mailbridge.oauth..",
            "io.mailbridge.metrics..")
        .layer("Imap").definedBy("io.mailbridge.imap..", "io.mailbridge.search..")
        .layer("Mime").definedBy("io.mailbridge.mime..")
        .layer("Document").definedBy("io.mailbridge.document..", "io.mailbridge.journal..")
        .layer("Operations").definedBy("io.mailbridge.receive..", "io.mailbridge.send..",
            "io.mailbridge.move..", "io.mailbridge.folder..", "io.mailbridge.listen..")
        .whereLayer("Operations").mayNotBeAccessedByAnyLayer()
        .whereLayer("Document").mayOnlyBeAccessedByLayers("Operations")
        .whereLayer("Mime").mayOnlyBeAccessedByLayers("Document", "Operations")
        .whereLayer("Imap").mayOnlyBeAccessedByLayers("Operations")
        .whereLayer("Connection").mayOnlyBeAccessedByLayers("Imap", "Document", "Operations");
    for (String k : KNOWN) {
      layers = layers
          .ignoreDependency(origin(k), target(k));
    }
    layers.check(CORE);
  }

  @Test
  void featurePackagesHaveNoCycles() {
    var rule = slices().matching("io.mailbridge.(*)..").should().beFreeOfCycles();
    for (String k : KNOWN) {
      rule = rule.ignoreDependency(origin(k), target(k));
    }
    rule.check(CORE);
  }

  @Test
  void noPackageReachesIntoAnotherFeaturesInternals() {
    List<String> violations = CORE.stream()
        .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
        .filter(d -> reachesIntoForeignInternal(d.getOriginClass(), d.getTargetClass()))
        .filter(d -> !KNOWN.contains(key(d)))
        .map(ArchitectureTest::key).distinct().sorted().toList();
    assertThat(violations).as("imports of another feature's internal package").isEmpty();
  }

  @Test
  void everyKnownExceptionStillExists() {
    Set<String> seen = CORE.stream().flatMap(c -> c.getDirectDependenciesFromSelf().stream())
        .map(ArchitectureTest::key).collect(Collectors.toCollection(TreeSet::new));
    assertThat(KNOWN).as("KNOWN entries that no longer occur: remove them from the list")
        .allSatisfy(k -> assertThat(seen).contains(k));
  }

  /** True when {@code target} is in {@code x.internal} and {@code origin} is outside feature {@code x}. */
  static boolean reachesIntoForeignInternal(JavaClass origin, JavaClass target) {
    String t = target.getPackageName();
    int i = t.indexOf(".internal");
    if (!t.startsWith("io.mailbridge.") || i < 0) {
      return false;
    }
    String feature = t.substring(0, i);
    String o = origin.getPackageName();
    return !(o.equals(feature) || o.startsWith(feature + "."));
  }
}
