package dev.utrace.passive.internal.strace;

import java.util.Locale;

/**
 * What a syscall argument is, for copying it and printing it as strace does. Most are printed
 * from the register alone; the ones {@link #copiedAtEntry} or {@link #copiedAtExit} also need
 * the task's memory, read in the syscall's own entry or exit callback.
 */
enum ArgKind {
    /** A signed 32-bit number, in decimal. */
    INT,
    /** An unsigned 32-bit number, in decimal. */
    UINT,
    /** A signed 64-bit number (an offset), in decimal. */
    LONG,
    /** An unsigned 64-bit number (a size), in decimal. */
    SIZE,
    /** A number strace shows in hex ({@code 0} for zero). */
    HEX,
    /** A pointer: {@code NULL}, else hex. */
    PTR,
    /** A file descriptor (a signed int). */
    FD,
    /** A directory descriptor: {@code AT_FDCWD}, else a file descriptor. */
    DIRFD,
    /** A path, copied at entry (up to PATH_MAX). */
    PATH,
    /** A NUL-terminated string, copied at entry (32 bytes shown, as strace -s 32). */
    STR,
    /** A buffer the syscall reads, its length the next argument, copied at entry (32 bytes shown). */
    IBUF,
    /** A buffer the syscall fills, its length the result, copied at exit (32 bytes shown). */
    OBUF,
    /** As {@link #OBUF}, shown all in hex escapes (random bytes: getrandom). */
    OBUFX,
    /** A path the syscall writes, its length the result (readlink), copied at exit. */
    OPATH,
    /** A path the syscall writes, its length with the NUL the result (getcwd), copied at exit. */
    OCWD,
    /** execve's argv: the strings, copied at entry. */
    ARGV,
    /** execve's envp: how many variables, counted at entry. */
    ENVP,
    /** Two ints the syscall writes (pipe, pipe2, socketpair), copied at exit. */
    FDPAIR,
    /** open flags with their access mode. */
    OFLAGS,
    /** open's mode: shown only when the flags before it create a file. */
    CMODE,
    /** A mode or umask, in octal. */
    MODE,
    /** Flags from the open flags without an access mode (dup3, pipe2). */
    FLAGS,
    PROT,
    MAPFLAGS,
    ATFLAGS,
    STATXFLAGS,
    STATXMASK,
    ACCMODE,
    SIGNO,
    SIGHOW,
    WHENCE,
    /** clone's flags with the exit signal in the low byte. */
    CLONEFLAGS,
    WAITOPTS,
    RLIMIT,
    CLOCKID,
    TIMERFLAGS,
    ARCHPRCTL,
    MADVICE,
    FADVICE,
    GRND,
    MREMAPFLAGS,
    FAMILY,
    SOCKTYPE,
    /** fcntl's command; the argument after it is printed by the command. */
    FCNTLCMD,
    /** ioctl's request; the argument after it is printed by the request. */
    IOCTLREQ,
    /** futex's operation; the arguments after it are printed by the operation. */
    FUTEXOP;

    private static final ArgKind[] ALL = values();

    /** The kind a signature table word names ({@code path}, {@code ibuf}, ...). */
    static ArgKind parse(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        for (ArgKind k : ALL) {
            if (k.name().equals(upper)) return k;
        }
        throw new IllegalArgumentException("unknown argument kind '" + word + "'");
    }

    /** Whether the argument's memory is copied when the syscall is entered. */
    boolean copiedAtEntry() {
        return this == PATH || this == STR || this == IBUF || this == ARGV || this == ENVP;
    }

    /** Whether the argument's memory is copied when the syscall returns. */
    boolean copiedAtExit() {
        return this == OBUF || this == OBUFX || this == OPATH || this == OCWD || this == FDPAIR;
    }
}
