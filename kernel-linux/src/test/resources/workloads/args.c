/* args: prints its working directory, then each argv entry and each environment entry, in order,
 * one per line, each in brackets. */
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    char cwd[4096];
    printf("cwd [%s]\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    for (int i = 0; i < argc; i++) printf("argv [%s]\n", argv[i]);
    for (char **e = environ; *e; e++) printf("env [%s]\n", *e);
    return 0;
}
