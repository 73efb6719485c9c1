/**
 * The {@code CassandraCluster} API, group {@code ringkeeper.io}, version {@code v1alpha1}.
 *
 * <p>Every field carries a {@code @JsonPropertyDescription}: that text is the field's documentation and
 * becomes the description {@code kubectl explain cassandracluster.spec...} shows. Defaults are written
 * twice on purpose: as {@code @Default} (the API server applies it) and as the Java initializer (the
 * operator sees the same value even where no API server defaulted it, e.g. in tests and local mode);
 * {@code CrdDefaultsTest} fails when the two disagree.
 */
package io.ringkeeper.api.v1alpha1;
