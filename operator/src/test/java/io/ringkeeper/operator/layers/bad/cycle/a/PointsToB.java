package io.ringkeeper.operator.layers.bad.cycle.a;

import io.ringkeeper.operator.layers.bad.cycle.b.PointsToA;

/** Deliberately bad: half of a package cycle (LayerRulesTest shows the rule failing). */
public final class PointsToB {
  public PointsToA other() {
    return new PointsToA();
  }
}
