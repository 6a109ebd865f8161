/* execer: execs spin (built beside it), as the conformance scenarios' simulated execer. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char self[PATH_MAX], spin[PATH_MAX + 8];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) return 1;
    self[n] = 0;
    snprintf(spin, sizeof spin, "%s/spin", dirname(self));
    execl(spin, "spin", (char *) 0);
    return 1;
}
