package dev.utrace.passive.internal.strace;

import dev.utrace.passive.Copied;
import java.util.List;

/**
 * The arguments of one syscall line, each printed by its {@link ArgKind}; the syscalls whose
 * arguments depend on each other (clone, clone3, futex, fcntl, ioctl, arch_prctl, socket) have
 * their own methods.
 */
final class Args {
    private final StringBuilder sb;
    private final long[] args;
    private final List<Copied> copied;
    private boolean first = true;

    Args(StringBuilder sb, long[] args, List<Copied> copied) {
        this.sb = sb;
        this.args = args;
        this.copied = copied;
    }

    void append(Signature s) {
        switch (s.name()) {
            case "clone" -> cloneArgs();
            case "clone3" -> clone3();
            case "futex" -> futex();
            case "fcntl" -> fcntl();
            case "ioctl" -> ioctl();
            case "arch_prctl" -> archPrctl();
            case "socket" -> socket();
            default -> {
                List<ArgKind> kinds = s.args();
                for (int i = 0; i < kinds.size() && i < args.length; i++) arg(kinds.get(i), i);
            }
        }
    }

    private Copied copied(int i) {
        return i < copied.size() ? copied.get(i) : Copied.NONE;
    }

    private StringBuilder next() {
        if (!first) sb.append(", ");
        first = false;
        return sb;
    }

    private void arg(ArgKind kind, int i) {
        long v = args[i];
        if (kind == ArgKind.CMODE) {
            long flags = i > 0 ? args[i - 1] : 0;
            if ((flags & (Constants.O_CREAT | Constants.O_TMPFILE_BIT)) == 0) return; // strace shows it only then
            octal(next(), v);
            return;
        }
        next();
        switch (kind) {
            case INT, FD -> sb.append((int) v);
            case UINT -> sb.append(Integer.toUnsignedString((int) v));
            case LONG -> sb.append(v);
            case SIZE -> sb.append(Long.toUnsignedString(v));
            case HEX -> hex(sb, v);
            case PTR -> pointer(sb, v);
            case DIRFD -> {
                if ((int) v == Constants.AT_FDCWD) sb.append("AT_FDCWD");
                else sb.append((int) v);
            }
            case PATH, STR, IBUF, OBUF, OPATH, OCWD -> bytes(i, false);
            case OBUFX -> bytes(i, true);
            case ARGV -> argv(i);
            case ENVP -> {
                pointer(sb, v);
                if (copied(i) instanceof Copied.Count c) {
                    sb.append(" /* ").append(c.count()).append(c.cut() ? "+" : "").append(c.count() == 1 ? " var */" : " vars */");
                }
            }
            case FDPAIR -> {
                if (copied(i) instanceof Copied.Values p && p.length() == 2) {
                    sb.append('[').append(p.at(0)).append(", ").append(p.at(1)).append(']');
                } else {
                    pointer(sb, v);
                }
            }
            case OFLAGS -> openFlags(sb, v & 0xffffffffL);
            case MODE -> octal(sb, v);
            case FLAGS -> Constants.OPEN.append(sb, v & 0xffffffffL);
            case PROT -> Constants.PROT.append(sb, v & 0xffffffffL);
            case MAPFLAGS -> mapFlags(v & 0xffffffffL);
            case ATFLAGS -> Constants.AT.append(sb, v & 0xffffffffL);
            case STATXFLAGS -> statxFlags(v & 0xffffffffL);
            case STATXMASK -> Constants.STATX_MASK.append(sb, v & 0xffffffffL);
            case ACCMODE -> Constants.ACCESS.append(sb, v & 0xffffffffL);
            case SIGNO -> sb.append(Constants.signal((int) v));
            case SIGHOW -> sb.append(Constants.SIGPROCMASK_HOW.value((int) v));
            case WHENCE -> sb.append(Constants.WHENCE.value((int) v));
            case CLONEFLAGS -> Constants.CLONE.append(sb, v & 0xffffffffL);
            case WAITOPTS -> Constants.WAIT.append(sb, v & 0xffffffffL);
            case RLIMIT -> sb.append(Constants.RLIMIT.value((int) v));
            case CLOCKID -> sb.append(Constants.CLOCK.value((int) v));
            case TIMERFLAGS -> Constants.TIMER_FLAGS.append(sb, v & 0xffffffffL);
            case ARCHPRCTL -> sb.append(Constants.ARCH_PRCTL.value((int) v));
            case MADVICE -> sb.append(Constants.MADVISE.value((int) v));
            case FADVICE -> sb.append(Constants.FADVISE.value((int) v));
            case GRND -> Constants.GETRANDOM.append(sb, v & 0xffffffffL);
            case MREMAPFLAGS -> Constants.MREMAP.append(sb, v & 0xffffffffL);
            case FAMILY -> sb.append(Constants.FAMILY.value((int) v));
            case SOCKTYPE -> socketType(v & 0xffffffffL);
            case FCNTLCMD -> sb.append(Constants.FCNTL.value((int) v));
            case IOCTLREQ -> ioctlRequest(v & 0xffffffffL);
            case FUTEXOP -> futexOp((int) v);
            case CMODE -> throw new AssertionError("handled above");
        }
    }

    /** A copied string or buffer, quoted; its address if nothing was copied. */
    private void bytes(int i, boolean hex) {
        if (copied(i) instanceof Copied.Bytes b) CString.append(sb, b, hex);
        else pointer(sb, args[i]);
    }

    private void argv(int i) {
        if (!(copied(i) instanceof Copied.Strings s)) {
            pointer(sb, args[i]);
            return;
        }
        sb.append('[');
        for (int k = 0; k < s.items().size(); k++) {
            if (k > 0) sb.append(", ");
            CString.append(sb, s.items().get(k), false);
        }
        if (s.cut()) sb.append(s.items().isEmpty() ? "..." : ", ...");
        sb.append(']');
    }

    static void hex(StringBuilder sb, long v) {
        if (v == 0) sb.append('0');
        else sb.append("0x").append(Long.toHexString(v));
    }

    static void pointer(StringBuilder sb, long v) {
        if (v == 0) sb.append("NULL");
        else sb.append("0x").append(Long.toHexString(v));
    }

    /** {@code %#03o}: {@code 000}, {@code 022}, {@code 0644}, {@code 04755}. */
    static void octal(StringBuilder sb, long v) {
        String o = Long.toOctalString(v);
        sb.append('0');
        for (int k = o.length(); k < 2; k++) sb.append('0');
        sb.append(o);
    }

    /** The access mode, then the other open flags: {@code O_RDONLY|O_CLOEXEC}. */
    static void openFlags(StringBuilder sb, long v) {
        sb.append(Constants.ACCESS_MODE[(int) (v & 3)]);
        long rest = Constants.OPEN.appendNames(sb, v & ~3L, true);
        if (rest != 0) sb.append("|0x").append(Long.toHexString(rest));
    }

    private void mapFlags(long v) {
        int type = (int) (v & 0xf);
        if (type < Constants.MAP_TYPE.length) sb.append(Constants.MAP_TYPE[type]);
        else sb.append("0x").append(Integer.toHexString(type)).append(" /* MAP_??? */");
        long huge = (v >>> 26) & 0x3f;
        long rest = Constants.MAP.appendNames(sb, v & ~0xfL & ~(0x3fL << 26), true);
        if (rest != 0) sb.append("|0x").append(Long.toHexString(rest));
        if (huge != 0) sb.append('|').append(huge).append("<<MAP_HUGE_SHIFT");
    }

    private void statxFlags(long v) {
        sb.append(Constants.STATX_SYNC[(int) ((v >>> 13) & 3)]);
        long rest = Constants.AT.appendNames(sb, v & ~0x6000L, true);
        if (rest != 0) sb.append("|0x").append(Long.toHexString(rest));
    }

    private void socketType(long v) {
        String type = Constants.SOCK_TYPE.exact(v & 0xf);
        int start = sb.length();
        if (type != null) sb.append(type);
        long rest = Constants.SOCK_FLAGS.appendNames(sb, v & ~0xfL, type != null);
        if (type == null) rest |= v & 0xf;
        if (rest != 0) {
            if (sb.length() > start) sb.append('|');
            sb.append("0x").append(Long.toHexString(rest)).append(" /* SOCK_??? */");
        }
    }

    private void ioctlRequest(long v) {
        String n = Constants.IOCTL.exact(v);
        if (n != null) {
            sb.append(n);
            return;
        }
        String[] dirs = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};
        sb.append("_IOC(").append(dirs[(int) ((v >>> 30) & 3)]).append(", ");
        hex(sb, (v >>> 8) & 0xff);
        sb.append(", ");
        hex(sb, v & 0xff);
        sb.append(", ");
        hex(sb, (v >>> 16) & 0x3fff);
        sb.append(')');
    }

    // ---- syscalls whose arguments depend on each other ----

    /** x86_64 clone(flags, stack, parent_tid, child_tid, tls), in strace's order and names. */
    private void cloneArgs() {
        long flags = args[0];
        next().append("child_stack=");
        pointer(sb, args[1]);
        next().append("flags=");
        cloneFlags(flags);
        if ((flags & Constants.CLONE_PARENT_SETTID) != 0) {
            next().append("parent_tid=");
            if (copied(2) instanceof Copied.Values t) sb.append('[').append(t.at(0)).append(']');
            else pointer(sb, args[2]);
        }
        if ((flags & Constants.CLONE_SETTLS) != 0) {
            next().append("tls=");
            pointer(sb, args[4]);
        }
        if ((flags & (Constants.CLONE_CHILD_SETTID | Constants.CLONE_CHILD_CLEARTID)) != 0) {
            next().append("child_tidptr=");
            pointer(sb, args[3]);
        }
    }

    /** Clone flags with the exit signal in the low byte: {@code CLONE_CHILD_SETTID|SIGCHLD}. */
    private void cloneFlags(long flags) {
        cloneFlags(sb, flags);
    }

    static void cloneFlags(StringBuilder sb, long flags) {
        int start = sb.length();
        long rest = Constants.CLONE.appendNames(sb, flags & 0xffffff00L, false);
        if (rest != 0) {
            if (sb.length() > start) sb.append('|');
            sb.append("0x").append(Long.toHexString(rest));
        }
        long sig = flags & 0xff;
        if (sig != 0) {
            if (sb.length() > start) sb.append('|');
            sb.append(Constants.signal(sig));
        } else if (sb.length() == start) {
            sb.append('0');
        }
    }

    /** clone3(struct clone_args *, size): the structure as copied at entry, the tid stored at parent_tid at exit. */
    private void clone3() {
        if (!(copied(0) instanceof Copied.Values a)) {
            pointer(next(), args[0]);
        } else {
            long flags = a.at(0);
            next().append("{flags=");
            int start = sb.length();
            long rest = Constants.CLONE.appendNames(sb, flags, false);
            if (rest != 0) {
                if (sb.length() > start) sb.append('|');
                sb.append("0x").append(Long.toHexString(rest));
            } else if (sb.length() == start) {
                sb.append('0');
            }
            if ((flags & 0x1000) != 0) pointer(sb.append(", pidfd="), a.at(1));
            if ((flags & (Constants.CLONE_CHILD_SETTID | Constants.CLONE_CHILD_CLEARTID)) != 0) {
                pointer(sb.append(", child_tid="), a.at(2));
            }
            if ((flags & Constants.CLONE_PARENT_SETTID) != 0) pointer(sb.append(", parent_tid="), a.at(3));
            sb.append(", exit_signal=").append(Constants.signal(a.at(4)));
            pointer(sb.append(", stack="), a.at(5));
            hex(sb.append(", stack_size="), a.at(6));
            if ((flags & Constants.CLONE_SETTLS) != 0) pointer(sb.append(", tls="), a.at(7));
            sb.append('}');
            if (copied(1) instanceof Copied.Values t) sb.append(" => {parent_tid=[").append(t.at(0)).append("]}");
        }
        next().append(Long.toUnsignedString(args[1]));
    }

    /** futex(uaddr, op, val, timeout|val2, uaddr2, val3): as many arguments as the operation uses. */
    private void futex() {
        int op = (int) args[1];
        int cmd = op & ~(Constants.FUTEX_PRIVATE | Constants.FUTEX_CLOCK_REALTIME);
        pointer(next(), args[0]);
        next();
        futexOp(op);
        switch (cmd) {
            case 0 -> { // WAIT: val, timeout
                next().append((int) args[2]);
                pointer(next(), args[3]);
            }
            case 1, 2 -> next().append((int) args[2]); // WAKE, FD: val
            case 3 -> { // REQUEUE: val, val2, uaddr2
                next().append((int) args[2]);
                next().append((int) args[3]);
                pointer(next(), args[4]);
            }
            case 4, 12 -> { // CMP_REQUEUE, CMP_REQUEUE_PI: val, val2, uaddr2, val3
                next().append((int) args[2]);
                next().append((int) args[3]);
                pointer(next(), args[4]);
                next().append((int) args[5]);
            }
            case 5 -> { // WAKE_OP: val, val2, uaddr2, the encoded operation
                next().append((int) args[2]);
                next().append((int) args[3]);
                pointer(next(), args[4]);
                wakeOp((int) args[5]);
            }
            case 6, 13 -> pointer(next(), args[3]); // LOCK_PI, LOCK_PI2: timeout
            case 7, 8 -> { } // UNLOCK_PI, TRYLOCK_PI
            case 9 -> { // WAIT_BITSET: val, timeout, bitset
                next().append((int) args[2]);
                pointer(next(), args[3]);
                bitset((int) args[5]);
            }
            case 10 -> { // WAKE_BITSET: val, bitset
                next().append((int) args[2]);
                bitset((int) args[5]);
            }
            case 11 -> { // WAIT_REQUEUE_PI: val, timeout, uaddr2
                next().append((int) args[2]);
                pointer(next(), args[3]);
                pointer(next(), args[4]);
            }
            default -> {
                hex(next(), args[2]);
                hex(next(), args[3]);
                hex(next(), args[4]);
                hex(next(), args[5]);
            }
        }
    }

    private void bitset(int bits) {
        next();
        if (bits == -1) sb.append("FUTEX_BITSET_MATCH_ANY");
        else hex(sb, bits & 0xffffffffL);
    }

    /** {@code FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME}; a combination strace has no name for in hex. */
    private void futexOp(int op) {
        int cmd = op & ~(Constants.FUTEX_PRIVATE | Constants.FUTEX_CLOCK_REALTIME);
        boolean priv = (op & Constants.FUTEX_PRIVATE) != 0;
        boolean realtime = (op & Constants.FUTEX_CLOCK_REALTIME) != 0;
        boolean realtimeNamed = cmd == 0 || cmd == 9 || cmd == 11; // the waits that take a clock
        if (cmd >= Constants.FUTEX_CMD.length || realtime && !realtimeNamed) {
            sb.append("0x").append(Integer.toHexString(op)).append(" /* FUTEX_??? */");
            return;
        }
        sb.append(Constants.FUTEX_CMD[cmd]);
        if (priv) sb.append(cmd == 2 ? "|FUTEX_PRIVATE_FLAG" : "_PRIVATE");
        if (realtime) sb.append("|FUTEX_CLOCK_REALTIME");
    }

    private void wakeOp(int v) {
        next();
        int op = (v >>> 28) & 7;
        boolean shift = ((v >>> 28) & 8) != 0;
        int cmp = (v >>> 24) & 15;
        if (shift) sb.append("FUTEX_OP_OPARG_SHIFT<<28|");
        sb.append(op < Constants.FUTEX_OP.length ? "FUTEX_OP_" + Constants.FUTEX_OP[op] : Integer.toString(op)).append("<<28|");
        sb.append((v >>> 12) & 0xfff).append("<<12|");
        sb.append(cmp < Constants.FUTEX_CMP.length ? "FUTEX_OP_CMP_" + Constants.FUTEX_CMP[cmp] : Integer.toString(cmp))
                .append("<<24|").append(v & 0xfff);
    }

    /** fcntl(fd, cmd, arg): the argument as the command takes it, or none. */
    private void fcntl() {
        next().append((int) args[0]);
        int cmd = (int) args[1];
        next().append(Constants.FCNTL.value(cmd));
        long a = args[2];
        switch (cmd) {
            case 1, 3, 9, 11, 1025, 1032, 1034 -> { } // the F_GET... without an argument
            case 2 -> Constants.FD_FLAGS.append(next(), a & 0xffffffffL);
            case 4 -> openFlags(next(), a & 0xffffffffL);
            case 10 -> next().append(Constants.signal((int) a));
            case 1024 -> next().append(Constants.LEASE.value((int) a));
            case 1026 -> Constants.NOTIFY.append(next(), a & 0xffffffffL);
            case 1033 -> Constants.SEALS.append(next(), a & 0xffffffffL);
            case 0, 8, 1030, 1031 -> next().append((int) a);
            default -> hex(next(), a);
        }
    }

    /** ioctl(fd, request, arg): known requests by name, their argument by address (or none). */
    private void ioctl() {
        next().append((int) args[0]);
        long request = args[1] & 0xffffffffL;
        next();
        ioctlRequest(request);
        if (Constants.ioctlWithoutArgument(request)) return;
        if (Constants.IOCTL.exact(request) != null) pointer(next(), args[2]);
        else hex(next(), args[2]);
    }

    /** arch_prctl(code, addr): an address to set in hex, where to store one as a pointer. */
    private void archPrctl() {
        int code = (int) args[0];
        next().append(Constants.ARCH_PRCTL.value(code));
        if (code == 0x1003 || code == 0x1004) pointer(next(), args[1]);
        else hex(next(), args[1]);
    }

    /** socket(family, type, protocol): an internet socket's protocol by name. */
    private void socket() {
        int family = (int) args[0];
        next().append(Constants.FAMILY.value(family));
        next();
        socketType(args[1] & 0xffffffffL);
        if (family == 2 || family == 10) next().append(Constants.IPPROTO.value((int) args[2]));
        else next().append((int) args[2]);
    }
}
