package dev.utrace.linux.internal.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * tid to value, open addressing with linear probing and backward-shift deletion: a lookup per
 * ptrace stop without boxing or allocation. Not thread-safe (the tracer thread owns it).
 */
final class TidMap<V> {

    private int[] keys = new int[64];
    private Object[] values = new Object[64];
    private int size;

    @SuppressWarnings("unchecked")
    V get(int tid) {
        int mask = keys.length - 1;
        for (int i = hash(tid) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == tid) return (V) values[i];
            if (keys[i] == 0) return null;
        }
    }

    void put(int tid, V value) {
        if (tid <= 0) throw new IllegalArgumentException("tid " + tid);
        if (value == null) throw new NullPointerException("value");
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        int i = hash(tid) & mask;
        while (keys[i] != 0 && keys[i] != tid) i = (i + 1) & mask;
        if (keys[i] == 0) size++;
        keys[i] = tid;
        values[i] = value;
    }

    @SuppressWarnings("unchecked")
    V remove(int tid) {
        int mask = keys.length - 1;
        int i = hash(tid) & mask;
        while (keys[i] != tid) {
            if (keys[i] == 0) return null;
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        // Shift later entries of the same probe run back into the hole, so lookups need no tombstones.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        size--;
        return old;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** A snapshot of the values. */
    @SuppressWarnings("unchecked")
    List<V> values() {
        List<V> list = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) if (keys[i] != 0) list.add((V) values[i]);
        return list;
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked") V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
    }

    private static int hash(int tid) {
        int h = tid * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
