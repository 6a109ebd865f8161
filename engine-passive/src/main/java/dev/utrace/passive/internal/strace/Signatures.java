package dev.utrace.passive.internal.strace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The arguments of every x86_64 syscall (the kernel's {@code unistd_64.h} names, 0..450), as strace
 * shows them: one line a syscall, its name, its arguments' kinds ({@link ArgKind}, lower case), and
 * {@code = hex} or {@code = oct} for a result strace prints so. Argument counts are the man pages'
 * and strace's (for preadv strace shows the offset as one argument, for futex it depends on the
 * operation, for openat the mode only with O_CREAT). Structures are shown by address.
 */
final class Signatures {

    private static final String TABLE = """
            read fd obuf size
            write fd ibuf size
            open path oflags cmode
            close fd
            stat path ptr
            fstat fd ptr
            lstat path ptr
            poll ptr uint int
            lseek fd long whence
            mmap ptr size prot mapflags fd hex = hex
            mprotect ptr size prot
            munmap ptr size
            brk ptr = hex
            rt_sigaction signo ptr ptr size
            rt_sigprocmask sighow ptr ptr size
            rt_sigreturn
            ioctl fd ioctlreq hex
            pread64 fd obuf size long
            pwrite64 fd ibuf size long
            readv fd ptr int
            writev fd ptr int
            access path accmode
            pipe fdpair
            select int ptr ptr ptr ptr
            sched_yield
            mremap ptr size size mremapflags ptr = hex
            msync ptr size hex
            mincore ptr size ptr
            madvise ptr size madvice
            shmget hex size hex
            shmat int ptr hex = hex
            shmctl int int ptr
            dup fd
            dup2 fd fd
            pause
            nanosleep ptr ptr
            getitimer int ptr
            alarm uint
            setitimer int ptr ptr
            getpid
            sendfile fd fd ptr size
            socket family socktype int
            connect fd ptr int
            accept fd ptr ptr
            sendto fd ibuf size hex ptr int
            recvfrom fd obuf size hex ptr ptr
            sendmsg fd ptr hex
            recvmsg fd ptr hex
            shutdown fd int
            bind fd ptr int
            listen fd int
            getsockname fd ptr ptr
            getpeername fd ptr ptr
            socketpair family socktype int fdpair
            setsockopt fd int int ptr int
            getsockopt fd int int ptr ptr
            clone cloneflags ptr ptr ptr ptr
            fork
            vfork
            execve path argv envp
            exit int
            wait4 int ptr waitopts ptr
            kill int signo
            uname ptr
            semget hex int hex
            semop int ptr uint
            semctl int int int hex
            shmdt ptr
            msgget hex hex
            msgsnd int ptr size hex
            msgrcv int ptr size long hex
            msgctl int int ptr
            fcntl fd fcntlcmd hex
            flock fd int
            fsync fd
            fdatasync fd
            truncate path long
            ftruncate fd long
            getdents fd ptr uint
            getcwd ocwd size
            chdir path
            fchdir fd
            rename path path
            mkdir path mode
            rmdir path
            creat path mode
            link path path
            unlink path
            symlink path path
            readlink path opath size
            chmod path mode
            fchmod fd mode
            chown path int int
            fchown fd int int
            lchown path int int
            umask mode = oct
            gettimeofday ptr ptr
            getrlimit rlimit ptr
            getrusage int ptr
            sysinfo ptr
            times ptr
            ptrace int int ptr ptr
            getuid
            syslog int ptr int
            getgid
            setuid int
            setgid int
            geteuid
            getegid
            setpgid int int
            getppid
            getpgrp
            setsid
            setreuid int int
            setregid int int
            getgroups int ptr
            setgroups int ptr
            setresuid int int int
            getresuid ptr ptr ptr
            setresgid int int int
            getresgid ptr ptr ptr
            getpgid int
            setfsuid int
            setfsgid int
            getsid int
            capget ptr ptr
            capset ptr ptr
            rt_sigpending ptr size
            rt_sigtimedwait ptr ptr ptr size
            rt_sigqueueinfo int signo ptr
            rt_sigsuspend ptr size
            sigaltstack ptr ptr
            utime path ptr
            mknod path mode hex
            uselib path
            personality hex
            ustat hex ptr
            statfs path ptr
            fstatfs fd ptr
            sysfs int hex hex
            getpriority int int
            setpriority int int int
            sched_setparam int ptr
            sched_getparam int ptr
            sched_setscheduler int int ptr
            sched_getscheduler int
            sched_get_priority_max int
            sched_get_priority_min int
            sched_rr_get_interval int ptr
            mlock ptr size
            munlock ptr size
            mlockall hex
            munlockall
            vhangup
            modify_ldt int ptr size
            pivot_root path path
            _sysctl ptr
            prctl int hex hex hex hex
            arch_prctl archprctl hex
            adjtimex ptr
            setrlimit rlimit ptr
            chroot path
            sync
            acct path
            settimeofday ptr ptr
            mount path path str hex ptr
            umount2 path hex
            swapon path hex
            swapoff path
            reboot hex hex hex ptr
            sethostname ibuf size
            setdomainname ibuf size
            iopl int
            ioperm size size int
            create_module str size
            init_module ptr size str
            delete_module str hex
            get_kernel_syms ptr
            query_module str int ptr size ptr
            quotactl hex path int ptr
            nfsservctl int ptr ptr
            getpmsg hex hex hex hex hex
            putpmsg hex hex hex hex hex
            afs_syscall hex hex hex hex hex
            tuxcall hex hex hex
            security hex hex hex
            gettid
            readahead fd long size
            setxattr path str ibuf size hex
            lsetxattr path str ibuf size hex
            fsetxattr fd str ibuf size hex
            getxattr path str obuf size
            lgetxattr path str obuf size
            fgetxattr fd str obuf size
            listxattr path obuf size
            llistxattr path obuf size
            flistxattr fd obuf size
            removexattr path str
            lremovexattr path str
            fremovexattr fd str
            tkill int signo
            time ptr
            futex ptr futexop int ptr ptr int
            sched_setaffinity int size ptr
            sched_getaffinity int size ptr
            set_thread_area ptr
            io_setup uint ptr
            io_destroy hex
            io_getevents hex long long ptr ptr
            io_submit hex long ptr
            io_cancel hex ptr ptr
            get_thread_area ptr
            lookup_dcookie hex ptr size
            epoll_create int
            epoll_ctl_old hex hex hex hex
            epoll_wait_old hex hex hex
            remap_file_pages ptr size hex size hex
            getdents64 fd ptr size
            set_tid_address ptr
            restart_syscall
            semtimedop int ptr uint ptr
            fadvise64 fd long long fadvice
            timer_create clockid ptr ptr
            timer_settime int hex ptr ptr
            timer_gettime int ptr
            timer_getoverrun int
            timer_delete int
            clock_settime clockid ptr
            clock_gettime clockid ptr
            clock_getres clockid ptr
            clock_nanosleep clockid timerflags ptr ptr
            exit_group int
            epoll_wait fd ptr int int
            epoll_ctl fd int fd ptr
            tgkill int int signo
            utimes path ptr
            vserver hex hex hex hex hex
            mbind ptr size int ptr size hex
            set_mempolicy int ptr size
            get_mempolicy ptr ptr size ptr hex
            mq_open str hex mode ptr
            mq_unlink str
            mq_timedsend fd ibuf size uint ptr
            mq_timedreceive fd obuf size ptr ptr
            mq_notify fd ptr
            mq_getsetattr fd ptr ptr
            kexec_load hex size ptr hex
            waitid int int ptr waitopts ptr
            add_key str str ptr size int
            request_key str str str int
            keyctl int hex hex hex hex
            ioprio_set int int int
            ioprio_get int int
            inotify_init
            inotify_add_watch fd path hex
            inotify_rm_watch fd int
            migrate_pages int size ptr ptr
            openat dirfd path oflags cmode
            mkdirat dirfd path mode
            mknodat dirfd path mode hex
            fchownat dirfd path int int atflags
            futimesat dirfd path ptr
            newfstatat dirfd path ptr atflags
            unlinkat dirfd path atflags
            renameat dirfd path dirfd path
            linkat dirfd path dirfd path atflags
            symlinkat path dirfd path
            readlinkat dirfd path opath size
            fchmodat dirfd path mode
            faccessat dirfd path accmode
            pselect6 int ptr ptr ptr ptr ptr
            ppoll ptr uint ptr ptr size
            unshare cloneflags
            set_robust_list ptr size
            get_robust_list int ptr ptr
            splice fd ptr fd ptr size hex
            tee fd fd size hex
            sync_file_range fd long long hex
            vmsplice fd ptr size hex
            move_pages int size ptr ptr ptr hex
            utimensat dirfd path ptr atflags
            epoll_pwait fd ptr int int ptr size
            signalfd fd ptr size
            timerfd_create clockid hex
            eventfd uint
            fallocate fd int long long
            timerfd_settime fd hex ptr ptr
            timerfd_gettime fd ptr
            accept4 fd ptr ptr hex
            signalfd4 fd ptr size hex
            eventfd2 uint hex
            epoll_create1 hex
            dup3 fd fd flags
            pipe2 fdpair flags
            inotify_init1 hex
            preadv fd ptr int long
            pwritev fd ptr int long
            rt_tgsigqueueinfo int int signo ptr
            perf_event_open ptr int int fd hex
            recvmmsg fd ptr uint hex ptr
            fanotify_init hex hex
            fanotify_mark fd hex hex dirfd path
            prlimit64 int rlimit ptr ptr
            name_to_handle_at dirfd path ptr ptr atflags
            open_by_handle_at fd ptr oflags
            clock_adjtime clockid ptr
            syncfs fd
            sendmmsg fd ptr uint hex
            setns fd hex
            getcpu ptr ptr ptr
            process_vm_readv int ptr size ptr size hex
            process_vm_writev int ptr size ptr size hex
            kcmp int int int size size
            finit_module fd str hex
            sched_setattr int ptr hex
            sched_getattr int ptr uint hex
            renameat2 dirfd path dirfd path hex
            seccomp int hex ptr
            getrandom obufx size grnd
            memfd_create str hex
            kexec_file_load fd fd size str hex
            bpf int ptr uint
            execveat dirfd path argv envp atflags
            userfaultfd hex
            membarrier int hex int
            mlock2 ptr size hex
            copy_file_range fd ptr fd ptr size hex
            preadv2 fd ptr int long hex
            pwritev2 fd ptr int long hex
            pkey_mprotect ptr size prot int
            pkey_alloc hex hex
            pkey_free int
            statx dirfd path statxflags statxmask ptr
            io_pgetevents hex long long ptr ptr ptr
            rseq ptr hex int hex
            pidfd_send_signal fd signo ptr hex
            io_uring_setup uint ptr
            io_uring_enter fd uint uint hex ptr size
            io_uring_register fd uint ptr uint
            open_tree dirfd path hex
            move_mount dirfd path dirfd path hex
            fsopen str hex
            fsconfig fd uint str ptr int
            fsmount fd hex hex
            fspick dirfd path hex
            pidfd_open int hex
            clone3 ptr size
            close_range uint uint hex
            openat2 dirfd path ptr size
            pidfd_getfd fd fd hex
            faccessat2 dirfd path accmode atflags
            process_madvise fd ptr size int hex
            epoll_pwait2 fd ptr int ptr ptr size
            mount_setattr dirfd path hex ptr size
            quotactl_fd fd hex int ptr
            landlock_create_ruleset ptr size hex
            landlock_add_rule fd int ptr hex
            landlock_restrict_self fd hex
            memfd_secret hex
            process_mrelease fd hex
            futex_waitv ptr uint hex ptr clockid
            set_mempolicy_home_node size size size hex
            """;

    /** Before {@link #BY_NAME}, which uses it. Compiled once: {@code String.split(" +")} compiles its pattern at every call, one per line (15 to 20 ms on the first report of a JVM). */
    private static final Pattern SPACES = Pattern.compile(" +");

    private static final Map<String, Signature> BY_NAME = parse(TABLE);

    private Signatures() {
    }

    /** The signature of syscall {@code name}; six hex arguments for a name the table lacks ({@code syscall_N}). */
    static Signature of(String name) {
        Signature s = BY_NAME.get(name);
        return s != null ? s : Signature.unknown(name);
    }

    /** Whether the table knows {@code name}. */
    static boolean knows(String name) {
        return BY_NAME.containsKey(name);
    }

    private static Map<String, Signature> parse(String table) {
        Map<String, Signature> m = new HashMap<>();
        for (String line : table.split("\n")) {
            if (line.isBlank()) continue;
            String[] words = SPACES.split(line.trim());
            List<ArgKind> args = new ArrayList<>();
            Signature.Result result = Signature.Result.DECIMAL;
            for (int i = 1; i < words.length; i++) {
                if (words[i].equals("=")) {
                    result = words[++i].equals("hex") ? Signature.Result.HEX : Signature.Result.OCTAL;
                } else {
                    args.add(ArgKind.parse(words[i]));
                }
            }
            if (m.put(words[0], new Signature(words[0], args, result)) != null) {
                throw new IllegalStateException("syscall " + words[0] + " twice in the signature table");
            }
        }
        return Map.copyOf(m);
    }
}
