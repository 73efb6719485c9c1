package io.ringkeeper.api.v1alpha1.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.Patterns;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the CassandraCluster CRD from the Java model (run by the build in process-test-classes).
 *
 * <p>It uses fabric8's CRD generator and post-processes two things the generator cannot express:
 * printer columns in the order they are declared (the generator sorts them by JSON path), and limits on
 * {@code metadata.name}, the only metadata restriction Kubernetes accepts in a CRD schema. The name
 * prefixes every object the operator creates, so it is bounded like the other name parts.
 *
 * <p>Usage: {@code GenerateCrd <outputDir> [<copyTo>...]}; the {@code update-crds} Maven profile passes
 * the committed locations as copy targets.
 */
public final class GenerateCrd {
  public static final String FILE_NAME = CassandraCluster.CRD_NAME + "-v1.yml";

  private GenerateCrd() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: GenerateCrd <outputDir> [<copyTo>...]");
    }
    File out = new File(args[0]);
    Files.createDirectories(out.toPath());
    new CRDGenerator()
        .customResourceClasses(CassandraCluster.class)
        .forCRDVersions("v1")
        .withPostProcessor(new Post())
        .inOutputDir(out)
        .generate();
    Path generated = out.toPath().resolve(FILE_NAME);
    if (!Files.exists(generated)) {
      throw new IllegalStateException("the generator did not write " + generated);
    }
    for (String target : Arrays.asList(args).subList(1, args.length)) {
      Path dir = Path.of(target);
      if (dir.toAbsolutePath().normalize().equals(out.toPath().toAbsolutePath().normalize())) {
        continue;
      }
      Files.createDirectories(dir);
      Files.copy(generated, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
      System.out.println("[GenerateCrd] updated " + dir.resolve(FILE_NAME));
    }
  }

  static final class Post implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      if (!(crd instanceof CustomResourceDefinition definition)) {
        return crd;
      }
      List<String> order = Arrays.stream(CassandraCluster.class.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name)
          .toList();
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
        columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
        version.setAdditionalPrinterColumns(columns);

        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        Map<String, JSONSchemaProps> properties = new LinkedHashMap<>();
        properties.put("metadata", new JSONSchemaPropsBuilder()
            .withType("object")
            .addToProperties("name", new JSONSchemaPropsBuilder()
                .withType("string")
                .withMaxLength((long) Patterns.MAX_CLUSTER_NAME)
                .withPattern(Patterns.DNS_1035_LABEL)
                .build())
            .build());
        properties.putAll(root.getProperties());
        root.setProperties(properties);
      }
      return crd;
    }
  }
}
