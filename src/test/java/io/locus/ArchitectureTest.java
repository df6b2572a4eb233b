package io.locus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The package diagram, checked on the compiled classes: cli (a client of the API) and http → query / ingest / layer / auth / place /
 * cluster → store / serving → geo / record / feed → ops / common, with the node's composition ({@code io.locus})
 * above them all and no package importing one above it.
 */
@DisplayName("Imports run one way through the package diagram")
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.locus");
  private static final List<String> FEATURES = List.of("query", "ingest", "layer", "auth", "cluster", "place");

  @Test
  @DisplayName("each layer is used only by the layers above it")
  void layers() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Node").definedBy("io.locus")
        .layer("Cli").definedBy("io.locus.cli..")
        .layer("Http").definedBy("io.locus.http..")
        .layer("Features").definedBy(FEATURES.stream().map(f -> "io.locus." + f + "..").toArray(String[]::new))
        .layer("Store").definedBy("io.locus.store..", "io.locus.serving..")
        .layer("Model").definedBy("io.locus.geo..", "io.locus.record..", "io.locus.feed..")
        .layer("Foundation").definedBy("io.locus.common..", "io.locus.ops..")
        .whereLayer("Node").mayNotBeAccessedByAnyLayer()
        .whereLayer("Cli").mayOnlyBeAccessedByLayers("Node")
        .whereLayer("Http").mayOnlyBeAccessedByLayers("Node")
        .whereLayer("Features").mayOnlyBeAccessedByLayers("Node", "Cli", "Http")
        .whereLayer("Store").mayOnlyBeAccessedByLayers("Node", "Http", "Features")
        .whereLayer("Model").mayOnlyBeAccessedByLayers("Node", "Http", "Features", "Store")
        .check(MAIN);
  }

  @Test
  @DisplayName("no feature package imports another")
  void featuresStandApart() {
    for (String feature : FEATURES) {
      String[] others = FEATURES.stream().filter(f -> !f.equals(feature)).map(f -> "io.locus." + f + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("io.locus." + feature + "..").should().dependOnClassesThat().resideInAnyPackage(others).check(MAIN);
    }
  }

  @Test
  @DisplayName("the lower packages are free of cycles among themselves")
  void noCycles() {
    slices().matching("io.locus.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  @DisplayName("geo and record do not import each other, nor ops and common")
  void siblingsStandApart() {
    noClasses().that().resideInAPackage("io.locus.geo..").should().dependOnClassesThat().resideInAPackage("io.locus.record..").check(MAIN);
    noClasses().that().resideInAPackage("io.locus.record..").should().dependOnClassesThat().resideInAPackage("io.locus.geo..").check(MAIN);
    noClasses().that().resideInAPackage("io.locus.common..").should().dependOnClassesThat().resideInAPackage("io.locus.ops..").check(MAIN);
  }
}
