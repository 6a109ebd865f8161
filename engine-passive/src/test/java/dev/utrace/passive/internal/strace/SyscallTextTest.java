package dev.utrace.passive.internal.strace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.SyscallNames;
import dev.utrace.passive.Copied;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Lines as strace 6.1 printed them on x86_64 for the same registers and memory (each expected
 * line is strace's output, structures it decodes aside, which this tracer shows by address).
 */
class SyscallTextTest {

    static String line(String name, long result, Object... argsAndCopies) {
        long[] args = new long[6];
        List<Copied> copied = new ArrayList<>(List.of(Copied.NONE, Copied.NONE, Copied.NONE, Copied.NONE, Copied.NONE,
                Copied.NONE));
        for (int i = 0; i < argsAndCopies.length; i++) {
            Object a = argsAndCopies[i];
            if (a instanceof Number n) args[i] = n.longValue();
            else if (a instanceof Arg g) {
                args[i] = g.value();
                copied.set(i, g.copied());
            } else if (a instanceof Copied c) copied.set(i, c);
            else if (a instanceof String s) copied.set(i, str(s, false));
        }
        return SyscallText.format(name, args, copied, true, result);
    }

    /** An argument's register and what was copied for it. */
    record Arg(long value, Copied copied) {
    }

    static Copied.Bytes str(String s, boolean cut) {
        return new Copied.Bytes(s.getBytes(StandardCharsets.ISO_8859_1), cut);
    }

    @Test
    @DisplayName("files: AT_FDCWD, paths, open flags in strace's order, the mode only when creating, errors with errno names")
    void files() {
        assertEquals("openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3",
                line("openat", 3, -100, "/etc/ld.so.cache", 02000000));
        assertEquals("openat(AT_FDCWD, \"/\", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3",
                line("openat", 3, -100, "/", 02000000 | 0200000 | 04000));
        assertEquals("openat(AT_FDCWD, \"/nonexistent/x\", O_RDWR|O_CREAT|O_TRUNC, 0644) = -1 ENOENT (No such file or directory)",
                line("openat", -2, -100, "/nonexistent/x", 0102 | 01000, 0644));
        assertEquals("open(\"/nonexistent/x\", O_WRONLY|O_CREAT|O_APPEND, 0600) = -1 ENOENT (No such file or directory)",
                line("open", -2, "/nonexistent/x", 01 | 0100 | 02000, 0600));
        assertEquals("openat(AT_FDCWD, \"/nonexistent/x\", O_RDONLY|__O_TMPFILE|FASYNC, 000) = -1 ENOENT (No such file or directory)",
                line("openat", -2, -100, "/nonexistent/x", 020000000 | 020000));
        assertEquals("openat(AT_FDCWD, \"/nonexistent/x\", O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK"
                + "|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c, 000)"
                + " = -1 EINVAL (Invalid argument)", line("openat", -22, -100, "/nonexistent/x", 0xffffffffL));
        assertEquals("close(3) = 0", line("close", 0, 3));
        assertEquals("close(-1) = -1 EBADF (Bad file descriptor)", line("close", -9, -1));
        assertEquals("access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)",
                line("access", -2, "/etc/ld.so.preload", 4));
        assertEquals("faccessat(AT_FDCWD, \"/nonexistent\", 0x8 /* ?_OK */) = -1 EINVAL (Invalid argument)",
                line("faccessat", -22, -100, "/nonexistent", 8));
        assertEquals("newfstatat(3, \"\", 0x7ffd63393fb0, AT_EMPTY_PATH) = 0",
                line("newfstatat", 0, 3, "", 0x7ffd63393fb0L, 0x1000));
        assertEquals("newfstatat(5, \"/nonexistent\", NULL, AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW"
                + "|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff60ff) = -1 EINVAL (Invalid argument)",
                line("newfstatat", -22, 5, "/nonexistent", 0, 0xffffffffL));
        assertEquals("newfstatat(AT_FDCWD, \"/nonexistent\", NULL, 0x1 /* AT_??? */) = -1 EINVAL (Invalid argument)",
                line("newfstatat", -22, -100, "/nonexistent", 0, 1));
        assertEquals("statx(AT_FDCWD, \"/\", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, STATX_MODE|STATX_NLINK"
                + "|STATX_UID|STATX_GID|STATX_MTIME|STATX_SIZE, 0x7ffe84752e20) = 0",
                line("statx", 0, -100, "/", 0x900, 0x25e, 0x7ffe84752e20L));
        assertEquals("statx(AT_FDCWD, \"/nonexistent\", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW"
                + "|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff00ff, STATX_ALL"
                + "|STATX_MNT_ID|STATX_DIOALIGN|0xffffc000, NULL) = -1 EINVAL (Invalid argument)",
                line("statx", -22, -100, "/nonexistent", 0xffffffffL, 0xffffffffL, 0));
        assertEquals("readlink(\"/sbin\", \"usr/sbin\", 9) = 8", line("readlink", 8, "/sbin", "usr/sbin", 9));
        assertEquals("getcwd(\"/tmp\", 4096) = 5", line("getcwd", 5, "/tmp", 4096));
        assertEquals("lgetxattr(\"/\", \"security.selinux\", 0x558b611c5640, 255) = -1 ENODATA (No data available)",
                line("lgetxattr", -61, "/", "security.selinux", 0x558b611c5640L, 255));
        assertEquals("lseek(3, 0, SEEK_SET) = 0", line("lseek", 0, 3, 0, 0));
        assertEquals("lseek(-1, 5, SEEK_HOLE) = -1 EBADF (Bad file descriptor)", line("lseek", -9, -1, 5, 4));
        assertEquals("mkdir(\"/nonexistent/x\", 0755) = -1 ENOENT (No such file or directory)",
                line("mkdir", -2, "/nonexistent/x", 0755));
        assertEquals("fchmodat(AT_FDCWD, \"/nonexistent/x\", 000) = -1 ENOENT (No such file or directory)",
                line("fchmodat", -2, -100, "/nonexistent/x", 0));
        assertEquals("umask(022) = 022", line("umask", 022, 022));
        assertEquals("pipe2([3, 4], 0) = 0", line("pipe2", 0, new Copied.Values(new long[] {3, 4}), 0));
        assertEquals("pipe2(NULL, O_NONBLOCK|O_CLOEXEC) = -1 EFAULT (Bad address)", line("pipe2", -14, 0, 02004000));
        assertEquals("dup3(-1, -1, O_CLOEXEC) = -1 EBADF (Bad file descriptor)", line("dup3", -9, -1, -1, 02000000));
        assertEquals("getdents64(3, 0x558b611c7790, 32768) = 744", line("getdents64", 744, 3, 0x558b611c7790L, 32768));
        assertEquals("fadvise64(0, 0, 0, POSIX_FADV_SEQUENTIAL) = -1 ESPIPE (Illegal seek)", line("fadvise64", -29, 0, 0, 0, 2));
    }

    @Test
    @DisplayName("buffers: strace's quoting and octal escapes, 32 bytes then ..., hex for getrandom, an address when unread")
    void buffers() {
        assertEquals("write(1, \"total 360\\ndrwxr-xr-x   21 root r\"..., 1512) = 1512",
                line("write", 1512, 1, str("total 360\ndrwxr-xr-x   21 root r", true), 1512));
        byte[] elf = new byte[32];
        byte[] head = {0x7f, 'E', 'L', 'F', 2, 1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, '>', 0, 1, 0, 0, 0, 0x10, 't', 2};
        System.arraycopy(head, 0, elf, 0, head.length);
        assertEquals("read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832",
                line("read", 832, 3, new Copied.Bytes(elf, true), 832));
        assertEquals("read(3, \"\", 4096) = 0", line("read", 0, 3, str("", false), 4096));
        assertEquals("read(3, 0x7ffeab4e3a57, 1) = -1 EBADF (Bad file descriptor)", line("read", -9, 3, 0x7ffeab4e3a57L, 1));
        assertEquals("write(1, \"\\1\\0010\\\"\\\\\\t\\v\\f\\r\\377\", 10) = 10",
                line("write", 10, 1, new Copied.Bytes(new byte[] {1, 1, '0', '"', '\\', '\t', 0x0b, '\f', '\r', (byte) 0xff},
                        false), 10));
        assertEquals("getrandom(\"\\xa8\\xa7\\x8b\\x98\\xe2\\xa3\\x27\\x39\", 8, GRND_NONBLOCK) = 8",
                line("getrandom", 8, new Copied.Bytes(new byte[] {(byte) 0xa8, (byte) 0xa7, (byte) 0x8b, (byte) 0x98,
                        (byte) 0xe2, (byte) 0xa3, 0x27, 0x39}, false), 8, 1));
        assertEquals("getrandom(NULL, 0, GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE) = 0", line("getrandom", 0, 0, 0, 7));
        assertEquals("execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"echo hi | cat\"], 0x7ffeb87bebc8 /* 35 vars */) = 0",
                line("execve", 0, "/usr/bin/sh", new Copied.Strings(List.of(str("sh", false), str("-c", false),
                        str("echo hi | cat", false)), false), new Arg(0x7ffeb87bebc8L, new Copied.Count(35, false))));
    }

    @Test
    @DisplayName("memory: PROT_ and MAP_ flags, NULL, sizes in decimal, offsets and results in hex")
    void memory() {
        assertEquals("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f5c2250d000",
                line("mmap", 0x7f5c2250d000L, 0, 8192, 3, 0x22, -1, 0));
        assertEquals("mmap(0x7f5c22348000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000)"
                + " = 0x7f5c22348000", line("mmap", 0x7f5c22348000L, 0x7f5c22348000L, 1400832, 5, 0x812, 3, 0x26000));
        assertEquals("mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfcfffff0,"
                + " 0xf /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK"
                + "|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC"
                + "|MAP_FIXED_NOREPLACE|0x3e00680|63<<MAP_HUGE_SHIFT, -1, 0) = -1 EINVAL (Invalid argument)",
                line("mmap", -22, 0, 4096, 0xffffffffL, 0xffffffffL, -1, 0));
        assertEquals("mmap(NULL, 4096, 0x10 /* PROT_??? */, MAP_FILE|MAP_FIXED, -1, 0) = -1 EINVAL (Invalid argument)",
                line("mmap", -22, 0, 4096, 0x10, 0x10, -1, 0));
        assertEquals("mmap(NULL, 4096, PROT_NONE, MAP_FILE|2<<MAP_HUGE_SHIFT, -1, 0) = -1 EINVAL (Invalid argument)",
                line("mmap", -22, 0, 4096, 0, 0x8000000, -1, 0));
        assertEquals("mprotect(0x7f5c224f1000, 16384, PROT_READ) = 0", line("mprotect", 0, 0x7f5c224f1000L, 16384, 1));
        assertEquals("munmap(0x7f5c22504000, 34547) = 0", line("munmap", 0, 0x7f5c22504000L, 34547));
        assertEquals("brk(NULL) = 0x55dbd1c4e000", line("brk", 0x55dbd1c4e000L, 0));
        assertEquals("madvise(0x7efed7cf4000, 8368128, MADV_DONTNEED) = 0", line("madvise", 0, 0x7efed7cf4000L, 8368128, 4));
        assertEquals("mremap(NULL, 0, 0, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, NULL) = -1 EINVAL (Invalid argument)",
                line("mremap", -22, 0, 0, 0, 7, 0));
    }

    @Test
    @DisplayName("processes: clone and clone3 as strace names their fields, signals, wait options, futex by operation")
    void processes() {
        assertEquals("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD,"
                + " child_tidptr=0x7f5c2231fa10) = 3544", line("clone", 3544, 0x1200011, 0, 0, 0x7f5c2231fa10L, 0));
        assertEquals("clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE"
                + "|CLONE_VFORK|CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID"
                + "|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC"
                + "|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_IO|0x400000|255, parent_tid=NULL, tls=NULL,"
                + " child_tidptr=NULL) = -1 EINVAL (Invalid argument)", line("clone", -22, 0xffffffffL, 0, 0, 0, 0));
        long[] cloneArgs = {0x3d0f00, 0, 0x7efed84f4990L, 0x7efed84f4990L, 0, 0x7efed7cf4000L, 0x7fff80, 0x7efed84f46c0L, 0,
            0, 0};
        assertEquals("clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS"
                + "|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7efed84f4990, parent_tid=0x7efed84f4990,"
                + " exit_signal=0, stack=0x7efed7cf4000, stack_size=0x7fff80, tls=0x7efed84f46c0} =>"
                + " {parent_tid=[17288]}, 88) = 17288",
                line("clone3", 17288, new Arg(0x7ffd5000L, new Copied.Values(cloneArgs)),
                        new Arg(88, new Copied.Values(new long[] {17288}))));
        assertEquals("clone3(0x7ffd5000, 88) = -1 EFAULT (Bad address)", line("clone3", -14, 0x7ffd5000L, 88));
        assertEquals("wait4(-1, NULL, WNOHANG|__WALL, NULL) = -1 ECHILD (No child processes)",
                line("wait4", -10, -1, 0, 0x40000001, 0));
        assertEquals("kill(-999999999, SIGRT_32) = -1 ESRCH (No such process)", line("kill", -3, -999999999, 64));
        assertEquals("kill(-999999999, SIGRTMIN) = -1 ESRCH (No such process)", line("kill", -3, -999999999, 32));
        assertEquals("kill(-999999999, 65) = -1 EINVAL (Invalid argument)", line("kill", -22, -999999999, 65));
        assertEquals("tgkill(-1, -1, SIGUSR1) = -1 EINVAL (Invalid argument)", line("tgkill", -22, -1, -1, 10));
        assertEquals("rt_sigprocmask(0x3 /* SIG_??? */, NULL, NULL, 8) = -1 EINVAL (Invalid argument)",
                line("rt_sigprocmask", -22, 3, 0, 0, 8));
        assertEquals("rt_sigaction(SIGUSR1, NULL, NULL, 8) = 0", line("rt_sigaction", 0, 10, 0, 0, 8));
        assertEquals("futex(0x7f82bb583a4c, FUTEX_WAKE_PRIVATE, 2147483647) = 0",
                line("futex", 0, 0x7f82bb583a4cL, 129, 2147483647));
        assertEquals("futex(0x5615c206d018, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 7, NULL, 0)"
                + " = -1 EAGAIN (Resource temporarily unavailable)", line("futex", -11, 0x5615c206d018L, 393, 7, 0, 0, 0));
        assertEquals("futex(0x5615c206d018, 0x101 /* FUTEX_??? */, 7) = -1 ENOSYS (Function not implemented)",
                line("futex", -38, 0x5615c206d018L, 0x101, 7));
        assertEquals("futex(0x5615c206d018, FUTEX_FD|FUTEX_PRIVATE_FLAG, 7) = -1 ENOSYS (Function not implemented)",
                line("futex", -38, 0x5615c206d018L, 130, 7));
        assertEquals("futex(0x5615c206d018, FUTEX_WAKE_OP, 7, 0, NULL, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0) = 0",
                line("futex", 0, 0x5615c206d018L, 5, 7, 0, 0, 0));
        assertEquals("futex(0x5615c206d018, FUTEX_UNLOCK_PI) = -1 EPERM (Operation not permitted)",
                line("futex", -1, 0x5615c206d018L, 7));
        assertEquals("arch_prctl(ARCH_SET_FS, 0x7f5c2231f740) = 0", line("arch_prctl", 0, 0x1002, 0x7f5c2231f740L));
        assertEquals("arch_prctl(ARCH_GET_FS, NULL) = -1 EFAULT (Bad address)", line("arch_prctl", -14, 0x1003, 0));
        assertEquals("arch_prctl(0x9999 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)", line("arch_prctl", -22, 0x9999, 0));
        assertEquals("set_tid_address(0x7f5c2231fa10) = 3543", line("set_tid_address", 3543, 0x7f5c2231fa10L));
        assertEquals("rseq(0x7f5c22320060, 0x20, 0, 0x53053053) = 0", line("rseq", 0, 0x7f5c22320060L, 0x20, 0, 0x53053053));
        assertEquals("prlimit64(0, RLIMIT_STACK, NULL, 0x7ffd1234) = 0", line("prlimit64", 0, 0, 3, 0, 0x7ffd1234));
        assertEquals("prlimit64(999999999, 0x10 /* RLIMIT_??? */, NULL, NULL) = -1 EINVAL (Invalid argument)",
                line("prlimit64", -22, 999999999, 16, 0, 0));
        assertEquals("exit_group(0) = ?", SyscallText.format("exit_group", new long[6], List.of(), false, 0));
        assertEquals("getpid() = 42", line("getpid", 42));
        assertEquals("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, NULL, NULL) = -1 EFAULT (Bad address)",
                line("clock_nanosleep", -14, 1, 1, 0, 0));
    }

    @Test
    @DisplayName("the kernel's restart codes print as strace prints them: = ? ERESTARTSYS (...)")
    void interrupted() {
        assertEquals("read(3, 0x7ffeab4e3a57, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)",
                line("read", -512, 3, 0x7ffeab4e3a57L, 1));
        assertEquals("pause() = ? ERESTARTNOHAND (To be restarted if no handler)", line("pause", -514));
        assertEquals("clock_nanosleep(CLOCK_REALTIME, 0, 0x7ffd10, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)",
                line("clock_nanosleep", -516, 0, 0, 0x7ffd10));
        assertEquals("rt_sigreturn() = -1 EINTR (Interrupted system call)", line("rt_sigreturn", -4));
    }

    @Test
    @DisplayName("descriptors and sockets: fcntl and ioctl by command, socket by family")
    void descriptors() {
        assertEquals("fcntl(-1, F_GETFD) = -1 EBADF (Bad file descriptor)", line("fcntl", -9, -1, 1, 1));
        assertEquals("fcntl(-1, F_SETFD, FD_CLOEXEC) = -1 EBADF (Bad file descriptor)", line("fcntl", -9, -1, 2, 1));
        assertEquals("fcntl(-1, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = -1 EBADF (Bad file descriptor)",
                line("fcntl", -9, -1, 4, 06000));
        assertEquals("fcntl(-1, F_SETLKW64, 0x1) = -1 EBADF (Bad file descriptor)", line("fcntl", -9, -1, 14, 1));
        assertEquals("fcntl(-1, F_NOTIFY, DN_ACCESS) = -1 EBADF (Bad file descriptor)", line("fcntl", -9, -1, 1026, 1));
        assertEquals("fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)", line("fcntl", 1, 3, 1));
        assertEquals("fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)", line("fcntl", 0x8002, 3, 3));
        assertEquals("ioctl(1, TCGETS, 0x7ffe84752d60) = -1 ENOTTY (Inappropriate ioctl for device)",
                line("ioctl", -25, 1, 0x5401, 0x7ffe84752d60L));
        assertEquals("ioctl(-1, SNDCTL_TMR_START or TCSETS, NULL) = -1 EBADF (Bad file descriptor)",
                line("ioctl", -9, -1, 0x5402, 0));
        assertEquals("ioctl(-1, FIOCLEX) = -1 EBADF (Bad file descriptor)", line("ioctl", -9, -1, 0x5451, 0));
        assertEquals("ioctl(-1, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0) = -1 EBADF (Bad file descriptor)",
                line("ioctl", -9, -1, 0x1234, 0));
        assertEquals("socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3", line("socket", 3, 1, 02004001, 0));
        assertEquals("socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3", line("socket", 3, 2, 2, 0));
        assertEquals("socket(0x63 /* AF_??? */, SOCK_RAW|0x60 /* SOCK_??? */, 0) = -1 EAFNOSUPPORT (Address family not"
                + " supported by protocol)", line("socket", -97, 99, 99, 0));
        assertEquals("connect(3, 0x7ffe1000, 110) = -1 ENOENT (No such file or directory)", line("connect", -2, 3, 0x7ffe1000, 110));
    }

    @Test
    @DisplayName("every syscall of the x86_64 table has a signature, with at most six arguments")
    void wholeTable() {
        int named = 0;
        for (int nr = 0; nr < 512; nr++) {
            String name = SyscallNames.name(nr);
            if (name.startsWith("syscall_")) continue;
            named++;
            assertTrue(Signatures.knows(name), name + " (" + nr + ") has no signature");
            assertTrue(Signatures.of(name).args().size() <= 6, name);
            String text = SyscallText.format(name, new long[] {1, 2, 3, 4, 5, 6}, List.of(), true, 0);
            assertTrue(text.startsWith(name + "(") && text.matches(".*\\) = 0+( .*)?"), text);
        }
        assertTrue(named > 360, "named " + named);
        assertEquals("syscall_999(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
                SyscallText.format("syscall_999", new long[] {1, 2, 0, 0, 0, 0}, List.of(), true, -38));
    }

    @Test
    @DisplayName("siginfo as strace shows it, for a signal a process sent, a child's end, a fault and the kernel's own")
    void signals() {
        SignalInfo user = new SignalInfo(Signals.SIGCONT, 0);
        user.pid = 3240;
        assertEquals("--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=3240} ---",
                SignalText.line(Signals.SIGCONT, SignalText.siginfo(user)));
        SignalInfo child = new SignalInfo(Signals.SIGCHLD, Signals.CLD_EXITED);
        child.pid = 3544;
        assertEquals("{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3544, si_status=0}", SignalText.siginfo(child));
        child.code = Signals.CLD_KILLED;
        child.status = Signals.SIGKILL;
        assertEquals("{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=3544, si_status=SIGKILL}", SignalText.siginfo(child));
        SignalInfo segv = new SignalInfo(Signals.SIGSEGV, Signals.SEGV_MAPERR);
        segv.addr = 0x10;
        assertEquals("{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}", SignalText.siginfo(segv));
        assertEquals("{si_signo=SIGALRM, si_code=SI_KERNEL}", SignalText.siginfo(new SignalInfo(Signals.SIGALRM,
                Signals.SI_KERNEL)));
        SignalInfo tkill = new SignalInfo(Signals.SIGUSR1, Signals.SI_TKILL);
        tkill.pid = 7;
        assertEquals("{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=7}", SignalText.siginfo(tkill));
        assertEquals("SIGRT_1", SignalText.name(33));
    }
}
