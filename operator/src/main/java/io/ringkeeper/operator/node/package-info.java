/**
 * How the operator talks to the node agent running inside every Cassandra JVM.
 *
 * <p>{@link io.ringkeeper.operator.node.NodeClient} is the only way in: production uses the HTTP
 * implementation, tests swap in a fake fleet. Calls are asynchronous and bounded by short timeouts so that a
 * reconcile never blocks on a slow node; failures arrive as {@link io.ringkeeper.operator.node.NodeClientException}
 * whose {@link io.ringkeeper.operator.node.NodeClientException.Kind} tells unreachable from refusing from erroring.
 */
package io.ringkeeper.operator.node;
