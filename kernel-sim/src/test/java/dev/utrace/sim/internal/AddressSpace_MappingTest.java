package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.MemoryFault;
import org.junit.jupiter.api.Test;

class AddressSpace_MappingTest {

    @Test
    void unmappedAccessFaultsAndAFaultingWriteWritesNothing() {
        AddressSpace mm = new AddressSpace();
        assertTrue(mm.map(0x1000, 4096, null, "a"));
        MemoryFault f = assertThrows(MemoryFault.class, () -> mm.read(0x3000, 8));
        assertEquals(0x3000, f.address());
        assertThrows(MemoryFault.class, () -> mm.write(0x1ffc, 8, -1L));
        assertEquals(0, mm.read(0x1ff8, 8), "the bytes that were mapped did not change");
    }

    @Test
    void littleEndianWidthsAndImages() {
        AddressSpace mm = new AddressSpace();
        mm.map(0x2000, 16, new byte[] {1, 2, 3, 4}, "data");
        assertEquals(0x04030201L, mm.read(0x2000, 4));
        mm.write(0x2002, 2, 0xbeef);
        assertEquals(0xbeef0201L, mm.read(0x2000, 4));
        assertEquals(0, mm.read(0x2ff8, 8), "the rest of the page reads as zeros");
    }

    @Test
    void anAccessAcrossTwoPagesReadsAndWritesBoth() {
        AddressSpace mm = new AddressSpace();
        byte[] image = new byte[8192];
        image[4094] = 0x11;
        image[4097] = 0x22;
        mm.map(0x4000, 8192, image, "two pages");
        // Neither page materialised yet: both halves come from the image.
        assertEquals(0x0000_2200_0011_0000L, mm.read(0x4ffc, 8));
        mm.write(0x5000, 1, 0x33); // the second page materialised, the first not
        assertEquals(0x0000_2233_0011_0000L, mm.read(0x4ffc, 8));
        mm.write(0x4ffc, 8, 0x0807_0605_0403_0201L);
        assertEquals(0x0403_0201L, mm.read(0x4ffc, 4));
        assertEquals(0x0807_0605L, mm.read(0x5000, 4));
        assertEquals(0x0807_0605_0403_0201L, mm.read(0x4ffc, 8));
    }

    @Test
    void forkCopiesAreIndependentAndOverlapsAreRefused() {
        AddressSpace mm = new AddressSpace();
        mm.map(0x1000, 4096, null, "a");
        mm.write(0x1000, 8, 7);
        AddressSpace child = mm.copy();
        child.write(0x1000, 8, 9);
        assertEquals(7, mm.read(0x1000, 8));
        assertEquals(9, child.read(0x1000, 8));
        assertFalse(mm.map(0x1800, 16, null, "b"));
        assertFalse(mm.unmap(0x1000, 8192), "an unmap must match a mapping exactly");
        assertTrue(mm.unmap(0x1000, 4096));
        assertThrows(MemoryFault.class, () -> mm.read(0x1000, 1));
    }

    @Test
    void stacksAreSeparateAndReleased() {
        AddressSpace mm = new AddressSpace();
        long a = mm.newStack();
        long b = mm.newStack();
        assertEquals(AddressSpace.STACK_STRIDE, a - b);
        mm.write(a - 8, 8, 1);
        mm.releaseStack(a);
        assertThrows(MemoryFault.class, () -> mm.read(a - 8, 8));
        assertEquals(1, mm.regionCount());
    }
}
