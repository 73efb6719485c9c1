package io.ringkeeper.operator.resources;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Results of a pure function remembered under their argument, least recently used first to go once more than
 * {@code capacity} are held. Thread-safe; the function runs outside the lock (two threads may compute the same
 * value once each, harmlessly). Only for functions whose result depends on nothing but the key.
 */
public final class BoundedMemo<K, V> {
  private final int capacity;
  private final Map<K, V> entries;

  public BoundedMemo(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > BoundedMemo.this.capacity;
      }
    };
  }

  /** The remembered result for {@code key}, computed by {@code compute} when there is none. */
  public V get(K key, Function<K, V> compute) {
    synchronized (entries) {
      V known = entries.get(key);
      if (known != null) {
        return known;
      }
    }
    V value = compute.apply(key);
    synchronized (entries) {
      entries.put(key, value);
    }
    return value;
  }

  /** The remembered result for {@code key}, or null; counts as a use. */
  public V peek(K key) {
    synchronized (entries) {
      return entries.get(key);
    }
  }

  /** Remembers {@code value} under {@code key} (for results whose computation throws a checked exception). */
  public void put(K key, V value) {
    synchronized (entries) {
      entries.put(key, value);
    }
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }
}
