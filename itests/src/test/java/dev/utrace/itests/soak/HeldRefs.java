package dev.utrace.itests.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The engine references the soak holds, one per slot. A controller claims a slot's reference
 * before it uses the engine and gives it back after, so no other thread can drop that reference
 * meanwhile: a handle is only used while a reference to it is held (R-REF-3).
 */
final class HeldRefs {
    private final AtomicReferenceArray<EngineRecord> slots;

    HeldRefs(int capacity) {
        slots = new AtomicReferenceArray<>(capacity);
    }

    /** Takes some held reference, or null if none is held. */
    EngineRecord claim(SplittableRandom random) {
        int n = slots.length();
        int start = random.nextInt(n);
        for (int i = 0; i < n; i++) {
            int at = (start + i) % n;
            if (slots.get(at) != null) {
                EngineRecord r = slots.getAndSet(at, null);
                if (r != null) return r;
            }
        }
        return null;
    }

    /** Keeps a reference; false if every slot is taken (the caller then drops it). */
    boolean offer(EngineRecord r, int hint) {
        int n = slots.length();
        for (int i = 0; i < n; i++) {
            if (slots.compareAndSet((hint + i) % n, null, r)) return true;
        }
        return false;
    }

    /** Takes every held reference. */
    List<EngineRecord> drain() {
        List<EngineRecord> out = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            EngineRecord r = slots.getAndSet(i, null);
            if (r != null) out.add(r);
        }
        return out;
    }
}
