package io.ringkeeper.operator.node;

/**
 * What a node answered to {@code POST /v1/gossip/end-hibernation}.
 *
 * @param endpoint the peer's address
 * @param status the peer's gossip status there now ({@code shutdown})
 * @param changed false when it was already shut down there
 */
public record HibernationEnd(String endpoint, String status, boolean changed) {}
