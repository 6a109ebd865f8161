package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The open-addressing tid map behaves as a HashMap under random puts and removes (backward-shift deletion included). */
class TidMap_Test {

    @Test
    @DisplayName("random puts, removes and lookups agree with java.util.HashMap, through growth and probe-run wraparound")
    void agreesWithHashMap() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            TidMap<Integer> map = new TidMap<>();
            Map<Integer, Integer> reference = new HashMap<>();
            int range = 8 + random.nextInt(400); // small ranges collide a lot
            for (int op = 0; op < 20_000; op++) {
                int tid = 1 + random.nextInt(range);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        map.put(tid, op);
                        reference.put(tid, op);
                    }
                    case 1 -> assertEquals(reference.remove(tid), map.remove(tid), "remove " + tid);
                    default -> assertEquals(reference.get(tid), map.get(tid), "get " + tid);
                }
                assertEquals(reference.size(), map.size());
            }
            for (int tid = 1; tid <= range; tid++) assertEquals(reference.get(tid), map.get(tid));
            assertEquals(reference.values().stream().sorted().toList(), map.values().stream().sorted().toList());
        }
    }
}
