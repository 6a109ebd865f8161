/* bulkread: maps two pages with nothing mapped after them (a third page mapped, then unmapped),
 * fills them with (i % 127) + 1 and ends the second with "hello", then announces the first
 * page's address through a marker getppid(base, 8192). */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    unsigned char *base = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return 2;
    if (munmap(base + 2 * 4096, 4096) != 0) return 3;
    for (int i = 0; i < 2 * 4096; i++) base[i] = (unsigned char) (i % 127 + 1);
    memcpy(base + 2 * 4096 - 5, "hello", 5);
    syscall(SYS_getppid, base, 2 * 4096);
    printf("bulkread done\n");
    return 0;
}
