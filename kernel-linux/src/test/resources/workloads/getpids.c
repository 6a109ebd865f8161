/* getpids: a marker getppid, then getpid in a loop forever, each a bare syscall instruction (no
 * libc wrapper), as the conformance scenarios' simulated getpids. */
int main(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
    for (;;) {
        __asm__ volatile("syscall" : "=a"(r) : "a"(39L) : "rcx", "r11", "memory");
    }
}
