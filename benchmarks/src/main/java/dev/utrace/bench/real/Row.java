package dev.utrace.bench.real;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One way of running a workload: a row of the tables. */
enum Row {
    UNTRACED("untraced", null),
    STRACE_C("strace -f -c -o /dev/null", null),
    STRACE_SECCOMP("strace -f --seccomp-bpf -e trace=openat -o /dev/null", null),
    C_FLOOR("minimal C tracer (the floor)", null),
    C_FLOOR_INFO("minimal C tracer reading the syscall info", null),
    TRACER("this project: kernel-linux's Tracer alone, counting", ProjectRun.Mode.TRACER),
    MACHINE("this project: machine + core, no engine", ProjectRun.Mode.MACHINE),
    ONE("this project: 1 engine (passive)", ProjectRun.Mode.ONE),
    THREE("this project: 3 engines (passive, ptrace session, watch)", ProjectRun.Mode.THREE),
    SECCOMP("this project: passive, seccomp filter on openat", ProjectRun.Mode.SECCOMP);

    final String label;
    /** The mode of {@link ProjectRun} for this project's rows, null for the others. */
    final ProjectRun.Mode mode;

    Row(String label, ProjectRun.Mode mode) {
        this.label = label;
        this.mode = mode;
    }

    /**
     * The command that runs {@code command} this way, the tracer (and native tools) pinned to
     * {@code cpu}; this project's JVM gets {@code jvmOptions} besides (an AOT cache).
     */
    List<String> command(List<String> command, String check, int cpu, String java, List<String> jvmOptions, String jar,
            java.nio.file.Path floor) {
        List<String> c = new ArrayList<>();
        if (mode != null) {
            c.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED"));
            c.addAll(jvmOptions);
            c.addAll(List.of("-cp", jar, ProjectRun.class.getName(),
                    mode.name().toLowerCase(Locale.ROOT), Integer.toString(cpu), check));
        } else {
            c.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
            switch (this) {
                case STRACE_C -> c.addAll(List.of("strace", "-f", "-c", "-o", "/dev/null"));
                case STRACE_SECCOMP -> c.addAll(List.of("strace", "-f", "--seccomp-bpf", "-e", "trace=openat", "-o", "/dev/null"));
                case C_FLOOR -> c.add(floor.toString());
                case C_FLOOR_INFO -> c.addAll(List.of(floor.toString(), "--info"));
                default -> { }
            }
        }
        c.addAll(command);
        return c;
    }
}
