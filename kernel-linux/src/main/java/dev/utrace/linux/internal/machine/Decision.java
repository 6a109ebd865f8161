package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.SignalInfo;

/**
 * What the delivery loop decided to do with a signal, for the kernel to carry out when the tracee
 * goes on: run its handler, stop the group, or take a fatal default action.
 *
 * @param signo the signal to hand to the kernel
 * @param info  its siginfo
 * @param kind  what the kernel will do with it
 */
record Decision(int signo, SignalInfo info, Kind kind) {
    enum Kind { HANDLER, STOP, FATAL }
}
