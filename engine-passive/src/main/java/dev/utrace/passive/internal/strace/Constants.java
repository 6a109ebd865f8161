package dev.utrace.passive.internal.strace;

/**
 * The x86_64 Linux constants strace names in the arguments it decodes, with their values (from
 * the kernel's uapi headers) in the order strace 6.1 prints them (seen in its output for every
 * single bit and for all bits at once).
 */
final class Constants {
    private Constants() {
    }

    static final int AT_FDCWD = -100;

    /** open(2) flags beside the access mode. */
    static final FlagTable OPEN = FlagTable.of("O_???", "0",
            "O_CREAT", 0100, "O_EXCL", 0200, "O_NOCTTY", 0400, "O_TRUNC", 01000, "O_APPEND", 02000,
            "O_NONBLOCK", 04000, "O_SYNC", 04010000, "O_DSYNC", 010000, "O_DIRECT", 040000, "O_LARGEFILE", 0100000,
            "O_NOFOLLOW", 0400000, "O_NOATIME", 01000000, "O_CLOEXEC", 02000000, "O_PATH", 010000000,
            "O_TMPFILE", 020200000, "O_DIRECTORY", 0200000, "__O_SYNC", 04000000, "__O_TMPFILE", 020000000,
            "FASYNC", 020000);
    static final long O_CREAT = 0100;
    static final long O_TMPFILE_BIT = 020000000;
    static final String[] ACCESS_MODE = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

    static final FlagTable PROT = FlagTable.of("PROT_???", "PROT_NONE",
            "PROT_READ", 1, "PROT_WRITE", 2, "PROT_EXEC", 4, "PROT_SEM", 8, "PROT_GROWSDOWN", 0x01000000,
            "PROT_GROWSUP", 0x02000000);

    static final String[] MAP_TYPE = {"MAP_FILE", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
    static final FlagTable MAP = FlagTable.of("MAP_???", "0",
            "MAP_FIXED", 0x10, "MAP_ANONYMOUS", 0x20, "MAP_32BIT", 0x40, "MAP_NORESERVE", 0x4000,
            "MAP_POPULATE", 0x8000, "MAP_NONBLOCK", 0x10000, "MAP_GROWSDOWN", 0x100, "MAP_DENYWRITE", 0x800,
            "MAP_EXECUTABLE", 0x1000, "MAP_LOCKED", 0x2000, "MAP_STACK", 0x20000, "MAP_HUGETLB", 0x40000,
            "MAP_SYNC", 0x80000, "MAP_FIXED_NOREPLACE", 0x100000);

    static final FlagTable AT = FlagTable.of("AT_???", "0",
            "AT_SYMLINK_NOFOLLOW", 0x100, "AT_REMOVEDIR", 0x200, "AT_SYMLINK_FOLLOW", 0x400,
            "AT_NO_AUTOMOUNT", 0x800, "AT_EMPTY_PATH", 0x1000, "AT_RECURSIVE", 0x8000);

    static final String[] STATX_SYNC = {"AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC", "AT_STATX_DONT_SYNC",
            "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC"};
    static final FlagTable STATX_MASK = FlagTable.of("STATX_???", "0",
            "STATX_ALL", 0xfff, "STATX_BASIC_STATS", 0x7ff, "STATX_TYPE", 1, "STATX_MODE", 2, "STATX_NLINK", 4,
            "STATX_UID", 8, "STATX_GID", 0x10, "STATX_ATIME", 0x20, "STATX_MTIME", 0x40, "STATX_CTIME", 0x80,
            "STATX_INO", 0x100, "STATX_SIZE", 0x200, "STATX_BLOCKS", 0x400, "STATX_BTIME", 0x800,
            "STATX_MNT_ID", 0x1000, "STATX_DIOALIGN", 0x2000);

    static final FlagTable ACCESS = FlagTable.of("?_OK", "F_OK", "R_OK", 4, "W_OK", 2, "X_OK", 1);

    static final FlagTable CLONE = FlagTable.of("CLONE_???", "0",
            "CLONE_VM", 0x100, "CLONE_FS", 0x200, "CLONE_FILES", 0x400, "CLONE_SIGHAND", 0x800,
            "CLONE_PIDFD", 0x1000, "CLONE_PTRACE", 0x2000, "CLONE_VFORK", 0x4000, "CLONE_PARENT", 0x8000,
            "CLONE_THREAD", 0x10000, "CLONE_NEWNS", 0x20000, "CLONE_SYSVSEM", 0x40000, "CLONE_SETTLS", 0x80000,
            "CLONE_PARENT_SETTID", 0x100000, "CLONE_CHILD_CLEARTID", 0x200000, "CLONE_UNTRACED", 0x800000,
            "CLONE_CHILD_SETTID", 0x1000000, "CLONE_NEWCGROUP", 0x2000000, "CLONE_NEWUTS", 0x4000000,
            "CLONE_NEWIPC", 0x8000000, "CLONE_NEWUSER", 0x10000000, "CLONE_NEWPID", 0x20000000,
            "CLONE_NEWNET", 0x40000000, "CLONE_IO", 0x80000000L);
    static final long CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
            CLONE_CHILD_SETTID = 0x1000000;

    static final FlagTable WAIT = FlagTable.of("W???", "0",
            "WNOHANG", 1, "WSTOPPED", 2, "WEXITED", 4, "WCONTINUED", 8, "WNOWAIT", 0x1000000,
            "__WNOTHREAD", 0x20000000, "__WALL", 0x40000000, "__WCLONE", 0x80000000L);

    static final FlagTable SIGPROCMASK_HOW = FlagTable.of("SIG_???", "SIG_BLOCK",
            "SIG_BLOCK", 0, "SIG_UNBLOCK", 1, "SIG_SETMASK", 2);

    static final FlagTable WHENCE = FlagTable.of("SEEK_???", "SEEK_SET",
            "SEEK_SET", 0, "SEEK_CUR", 1, "SEEK_END", 2, "SEEK_DATA", 3, "SEEK_HOLE", 4);

    static final FlagTable RLIMIT = FlagTable.of("RLIMIT_???", "RLIMIT_CPU",
            "RLIMIT_CPU", 0, "RLIMIT_FSIZE", 1, "RLIMIT_DATA", 2, "RLIMIT_STACK", 3, "RLIMIT_CORE", 4,
            "RLIMIT_RSS", 5, "RLIMIT_NPROC", 6, "RLIMIT_NOFILE", 7, "RLIMIT_MEMLOCK", 8, "RLIMIT_AS", 9,
            "RLIMIT_LOCKS", 10, "RLIMIT_SIGPENDING", 11, "RLIMIT_MSGQUEUE", 12, "RLIMIT_NICE", 13,
            "RLIMIT_RTPRIO", 14, "RLIMIT_RTTIME", 15);

    static final FlagTable CLOCK = FlagTable.of("CLOCK_???", "CLOCK_REALTIME",
            "CLOCK_REALTIME", 0, "CLOCK_MONOTONIC", 1, "CLOCK_PROCESS_CPUTIME_ID", 2, "CLOCK_THREAD_CPUTIME_ID", 3,
            "CLOCK_MONOTONIC_RAW", 4, "CLOCK_REALTIME_COARSE", 5, "CLOCK_MONOTONIC_COARSE", 6, "CLOCK_BOOTTIME", 7,
            "CLOCK_REALTIME_ALARM", 8, "CLOCK_BOOTTIME_ALARM", 9, "CLOCK_SGI_CYCLE", 10, "CLOCK_TAI", 11);

    static final FlagTable TIMER_FLAGS = FlagTable.of("TIMER_???", "0", "TIMER_ABSTIME", 1);

    static final FlagTable ARCH_PRCTL = FlagTable.of("ARCH_???", "0",
            "ARCH_SET_GS", 0x1001, "ARCH_SET_FS", 0x1002, "ARCH_GET_FS", 0x1003, "ARCH_GET_GS", 0x1004,
            "ARCH_GET_CPUID", 0x1011, "ARCH_SET_CPUID", 0x1012, "ARCH_GET_XCOMP_SUPP", 0x1021,
            "ARCH_GET_XCOMP_PERM", 0x1022, "ARCH_REQ_XCOMP_PERM", 0x1023, "ARCH_GET_XCOMP_GUEST_PERM", 0x1024,
            "ARCH_REQ_XCOMP_GUEST_PERM", 0x1025, "ARCH_MAP_VDSO_X32", 0x2001, "ARCH_MAP_VDSO_32", 0x2002,
            "ARCH_MAP_VDSO_64", 0x2003);

    static final FlagTable MADVISE = FlagTable.of("MADV_???", "MADV_NORMAL",
            "MADV_NORMAL", 0, "MADV_RANDOM", 1, "MADV_SEQUENTIAL", 2, "MADV_WILLNEED", 3, "MADV_DONTNEED", 4,
            "MADV_FREE", 8, "MADV_REMOVE", 9, "MADV_DONTFORK", 10, "MADV_DOFORK", 11, "MADV_MERGEABLE", 12,
            "MADV_UNMERGEABLE", 13, "MADV_HUGEPAGE", 14, "MADV_NOHUGEPAGE", 15, "MADV_DONTDUMP", 16,
            "MADV_DODUMP", 17, "MADV_WIPEONFORK", 18, "MADV_KEEPONFORK", 19, "MADV_COLD", 20, "MADV_PAGEOUT", 21,
            "MADV_POPULATE_READ", 22, "MADV_POPULATE_WRITE", 23, "MADV_HWPOISON", 100, "MADV_SOFT_OFFLINE", 101);

    static final FlagTable FADVISE = FlagTable.of("POSIX_FADV_???", "POSIX_FADV_NORMAL",
            "POSIX_FADV_NORMAL", 0, "POSIX_FADV_RANDOM", 1, "POSIX_FADV_SEQUENTIAL", 2, "POSIX_FADV_WILLNEED", 3,
            "POSIX_FADV_DONTNEED", 4, "POSIX_FADV_NOREUSE", 5);

    static final FlagTable GETRANDOM = FlagTable.of("GRND_???", "0",
            "GRND_NONBLOCK", 1, "GRND_RANDOM", 2, "GRND_INSECURE", 4);

    static final FlagTable MREMAP = FlagTable.of("MREMAP_???", "0",
            "MREMAP_MAYMOVE", 1, "MREMAP_FIXED", 2, "MREMAP_DONTUNMAP", 4);

    static final FlagTable FAMILY = FlagTable.of("AF_???", "AF_UNSPEC",
            "AF_UNSPEC", 0, "AF_UNIX", 1, "AF_INET", 2, "AF_INET6", 10, "AF_NETLINK", 16, "AF_PACKET", 17);
    static final FlagTable SOCK_TYPE = FlagTable.of("SOCK_???", "0",
            "SOCK_STREAM", 1, "SOCK_DGRAM", 2, "SOCK_RAW", 3, "SOCK_RDM", 4, "SOCK_SEQPACKET", 5, "SOCK_DCCP", 6,
            "SOCK_PACKET", 10);
    static final FlagTable SOCK_FLAGS = FlagTable.of("SOCK_???", "0", "SOCK_CLOEXEC", 02000000, "SOCK_NONBLOCK", 04000);
    static final FlagTable IPPROTO = FlagTable.of("IPPROTO_???", "IPPROTO_IP",
            "IPPROTO_IP", 0, "IPPROTO_ICMP", 1, "IPPROTO_TCP", 6, "IPPROTO_UDP", 17, "IPPROTO_ICMPV6", 58,
            "IPPROTO_RAW", 255);

    static final FlagTable FCNTL = FlagTable.of("F_???", "F_DUPFD",
            "F_DUPFD", 0, "F_GETFD", 1, "F_SETFD", 2, "F_GETFL", 3, "F_SETFL", 4, "F_GETLK", 5, "F_SETLK", 6,
            "F_SETLKW", 7, "F_SETOWN", 8, "F_GETOWN", 9, "F_SETSIG", 10, "F_GETSIG", 11, "F_GETLK64", 12,
            "F_SETLK64", 13, "F_SETLKW64", 14, "F_SETOWN_EX", 15, "F_GETOWN_EX", 16, "F_OFD_GETLK", 36,
            "F_OFD_SETLK", 37, "F_OFD_SETLKW", 38, "F_SETLEASE", 1024, "F_GETLEASE", 1025, "F_NOTIFY", 1026,
            "F_DUPFD_CLOEXEC", 1030, "F_SETPIPE_SZ", 1031, "F_GETPIPE_SZ", 1032, "F_ADD_SEALS", 1033,
            "F_GET_SEALS", 1034);
    static final FlagTable FD_FLAGS = FlagTable.of("FD_???", "0", "FD_CLOEXEC", 1);
    static final FlagTable LEASE = FlagTable.of("F_???", "F_RDLCK", "F_RDLCK", 0, "F_WRLCK", 1, "F_UNLCK", 2);
    static final FlagTable NOTIFY = FlagTable.of("DN_???", "0",
            "DN_ACCESS", 1, "DN_MODIFY", 2, "DN_CREATE", 4, "DN_DELETE", 8, "DN_RENAME", 0x10, "DN_ATTRIB", 0x20,
            "DN_MULTISHOT", 0x80000000L);
    static final FlagTable SEALS = FlagTable.of("F_SEAL_???", "0",
            "F_SEAL_SEAL", 1, "F_SEAL_SHRINK", 2, "F_SEAL_GROW", 4, "F_SEAL_WRITE", 8, "F_SEAL_FUTURE_WRITE", 0x10);

    /** ioctl requests strace names (the terminal ones programs ask of their standard streams). */
    static final FlagTable IOCTL = FlagTable.of("???", "0",
            "TCGETS", 0x5401, "SNDCTL_TMR_START or TCSETS", 0x5402, "SNDCTL_TMR_STOP or TCSETSW", 0x5403,
            "SNDCTL_TMR_CONTINUE or TCSETSF", 0x5404, "TIOCGPGRP", 0x540f, "TIOCSPGRP", 0x5410,
            "TIOCGWINSZ", 0x5413, "TIOCSWINSZ", 0x5414, "FIONREAD", 0x541b, "FIONBIO", 0x5421,
            "TIOCNOTTY", 0x5422, "FIONCLEX", 0x5450, "FIOCLEX", 0x5451, "TIOCGPTN", 0x80045430L);
    /** The ioctl requests that take no argument. */
    static boolean ioctlWithoutArgument(long request) {
        return request == 0x5422 || request == 0x5450 || request == 0x5451;
    }

    static final String[] FUTEX_CMD = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
            "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET",
            "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"};
    static final int FUTEX_PRIVATE = 128, FUTEX_CLOCK_REALTIME = 256;
    static final String[] FUTEX_OP = {"SET", "ADD", "OR", "ANDN", "XOR"};
    static final String[] FUTEX_CMP = {"EQ", "NE", "LT", "LE", "GT", "GE"};

    private static final String[] SIGNALS = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    /** A signal as strace names it: {@code SIGTERM}, {@code SIGRTMIN} for 32, {@code SIGRT_2} for 34, else the number. */
    static String signal(long sig) {
        if (sig >= 0 && sig < SIGNALS.length) return SIGNALS[(int) sig];
        if (sig == 32) return "SIGRTMIN";
        if (sig > 32 && sig <= 64) return "SIGRT_" + (sig - 32);
        return Long.toString(sig);
    }
}
