package dev.utrace.passive.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The passive tracer's configuration (PID {@code dev.utrace.passive}) as Metatype describes it;
 * a {@code .cfg} file in {@code deploy/} sets it. {@link SettingsReader} reads the values,
 * refusing what these definitions do not allow.
 */
@ObjectClassDefinition(id = PassiveConfig.PID, name = "utrace passive tracer",
        description = "Defaults for the passive (observe-only) tracer engine.")
public @interface PassiveConfig {
    String PID = "dev.utrace.passive";

    @AttributeDefinition(name = "Default events",
            description = "What trace records when no --events are given: syscalls, signals, clone, exec, exit, death, all.")
    String defaultEvents() default "syscalls,signals,clone,exec,exit,death";

    @AttributeDefinition(name = "Ring size", min = "1", max = "1048576",
            description = "Events kept per traced task, 1 to 1048576; when full the oldest are dropped and counted.")
    int ringSize() default 1024;

    @AttributeDefinition(name = "Follow children",
            description = "Whether trace follows new threads and children unless told otherwise (true or false).")
    boolean followChildren() default false;

    @AttributeDefinition(name = "Ended traces kept", min = "0",
            description = "How many ended traces stay visible to list, log and stats (0 or more).")
    int keepEnded() default 256;
}
