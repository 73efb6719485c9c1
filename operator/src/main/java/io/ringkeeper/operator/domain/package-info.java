/**
 * The operator's decisions as pure Java: token allocation, rack placement, planning of the next step, repair
 * segments and schedules, and the upkeep planner (compaction windows, node tasks, repair segment starts). Nothing
 * here imports Kubernetes, fabric8 or JOSDK types (a test enforces it), so all of it is tested without a cluster.
 */
package io.ringkeeper.operator.domain;
