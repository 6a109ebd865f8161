package dev.utrace.passive.internal;

/**
 * A traced task as an export names it: its thread, its process and its program (when its trace began).
 *
 * @param tid  the thread
 * @param tgid its process
 * @param comm its program
 */
record Track(int tid, int tgid, String comm) {
    static Track of(TaskTrace t) {
        return new Track(t.tid, t.tgid, t.comm);
    }
}
