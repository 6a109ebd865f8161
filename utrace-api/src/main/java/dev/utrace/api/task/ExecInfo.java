package dev.utrace.api.task;

import java.util.List;

/**
 * What {@code reportExec} learns of an exec ({@code linux_binprm}): the program's name,
 * its arguments, and the format that loaded it ({@code linux_binfmt}).
 */
public record ExecInfo(String filename, List<String> argv, String format) {
    public ExecInfo {
        argv = List.copyOf(argv);
    }
}
