package io.ringkeeper.operator.layers.bad.cycle.b;

import io.ringkeeper.operator.layers.bad.cycle.a.PointsToB;

/** Deliberately bad: the other half of a package cycle (LayerRulesTest shows the rule failing). */
public final class PointsToA {
  public PointsToB other() {
    return new PointsToB();
  }
}
