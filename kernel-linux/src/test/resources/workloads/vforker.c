/* vforker: vforks a child that exits 3; the parent reaps it and exits 0. */
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    if (vfork() == 0) _exit(3);
    wait(0);
    return 0;
}
