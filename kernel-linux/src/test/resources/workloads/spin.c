/* spin: counts in rbx forever, making a marker getppid in the loop's first round (rbx 1), as the
 * conformance scenarios' simulated spin: once the marker is over it is surely in the loop. */
int main(void) {
    __asm__ volatile("xor %%ebx, %%ebx\n"
                     "1:\n\tadd $1, %%rbx\n"
                     "\tcmp $1, %%rbx\n"
                     "\tjne 2f\n"
                     "\tmov $110, %%eax\n"
                     "\tsyscall\n"
                     "2:\n\tjmp 1b"
                     ::: "rax", "rbx", "rcx", "r11", "cc", "memory");
    return 0;
}
